// Chat records (DESIGN.md §4), their batched writer and the export formats. No IndexedDB here.

export type MessageStatus = 'sending' | 'delivered' | 'received'

export interface StoredMessage {
  id: string
  from: 'me' | 'them'
  text: string
  at: number
  status: MessageStatus
}

export interface ChatRecord {
  chatId: string
  myName: string
  partnerName: string
  startedAt: number
  endedAt: number | null
  messages: StoredMessage[]
}

/** Coalesces bursts of changes into one write per `delayMs`; the hot path only marks a chat dirty. */
export interface Batcher {
  schedule(record: ChatRecord): void
  flush(): Promise<void>
  readonly pending: number
}

export function createBatcher(
  write: (records: ChatRecord[]) => Promise<void>,
  onError: (error: unknown) => void,
  delayMs = 400,
): Batcher {
  const dirty = new Map<string, ChatRecord>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let writing: Promise<void> = Promise.resolve()

  function flush(): Promise<void> {
    clearTimeout(timer)
    timer = undefined
    if (dirty.size === 0) return writing
    // Snapshot now: later edits to the live record go into the next batch.
    const batch = [...dirty.values()].map(snapshot)
    dirty.clear()
    writing = writing.then(() => write(batch)).catch(onError)
    return writing
  }

  return {
    get pending() {
      return dirty.size
    },
    schedule(record) {
      dirty.set(record.chatId, record)
      timer ??= setTimeout(() => void flush(), delayMs)
    },
    flush,
  }
}

const snapshot = (record: ChatRecord): ChatRecord => ({
  ...record,
  messages: record.messages.map((message) => ({ ...message })),
})

export const newestFirst = (records: ChatRecord[]): ChatRecord[] =>
  [...records].sort((a, b) => b.startedAt - a.startedAt)

/** Parses a stored value; anything not shaped like a record (other versions, corruption) is skipped. */
export function parseRecord(value: unknown): ChatRecord | null {
  if (typeof value !== 'object' || value === null) return null
  const r = value as Record<string, unknown>
  if (
    typeof r.chatId !== 'string' ||
    typeof r.myName !== 'string' ||
    typeof r.partnerName !== 'string' ||
    typeof r.startedAt !== 'number' ||
    !(typeof r.endedAt === 'number' || r.endedAt === null) ||
    !Array.isArray(r.messages)
  )
    return null
  const messages: StoredMessage[] = []
  for (const m of r.messages as unknown[]) {
    if (typeof m !== 'object' || m === null) continue
    const { id, from, text, at, status } = m as Record<string, unknown>
    if (typeof id !== 'string' || (from !== 'me' && from !== 'them') || typeof text !== 'string') continue
    if (typeof at !== 'number' || (status !== 'sending' && status !== 'delivered' && status !== 'received')) continue
    messages.push({ id, from, text, at, status })
  }
  return {
    chatId: r.chatId,
    myName: r.myName,
    partnerName: r.partnerName,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    messages,
  }
}

export const exportJson = (record: ChatRecord): string => JSON.stringify(record, null, 2)

export function exportText(record: ChatRecord): string {
  const lines = [
    `Hush chat with ${record.partnerName} (you were ${record.myName})`,
    `Started ${new Date(record.startedAt).toISOString()}` +
      (record.endedAt ? `, ended ${new Date(record.endedAt).toISOString()}` : ''),
    '',
  ]
  for (const m of record.messages) {
    const who = m.from === 'me' ? record.myName : record.partnerName
    lines.push(`[${new Date(m.at).toISOString()}] ${who}: ${m.text}`)
  }
  return lines.join('\n') + '\n'
}
