// How a chat lies in the history store, and the batched writer that keeps it there. Append-only in
// effect: a chat is a small head (its summary) plus its messages in fixed-size chunks, and a batch
// rewrites the head and only the chunks that changed, so saving costs the same at message 10 and
// at message 10,000 (writing the whole record each time was O(chat length) on the main thread).
import { summaryOf, type ChatRecord, type ChatSummary, type StoredMessage } from './record.ts'

export const chunkSize = 50

/** The head's key is the chat id (as the whole record's was before); chunk n's is [chatId, n]. */
export type ChunkKey = [chatId: string, index: number]
export type HistoryEntry = [key: string, head: ChatSummary & { v: 2 }] | [key: ChunkKey, messages: StoredMessage[]]

/**
 * Entries that bring the stored chat up to date with `record`, given that nothing before message
 * `changedFrom` changed since the last write. Copies, never the live objects: IndexedDB clones on
 * write, but the write itself happens later and the chat goes on meanwhile.
 */
export function entriesFor(record: ChatRecord, changedFrom: number): HistoryEntry[] {
  const entries: HistoryEntry[] = [[record.chatId, { v: 2, ...summaryOf(record) }]]
  const count = record.messages.length
  for (let start = Math.floor(changedFrom / chunkSize) * chunkSize; start < count; start += chunkSize) {
    const chunk = record.messages.slice(start, start + chunkSize).map((message) => ({ ...message }))
    entries.push([[record.chatId, start / chunkSize], chunk])
  }
  return entries
}

/** Coalesces bursts of changes into one write per `delayMs`; the hot path only marks a chat dirty. */
export interface Batcher {
  /** `changedFrom`: the first message index that changed (default: the last one, an append). */
  schedule(record: ChatRecord, changedFrom?: number): void
  /** Writes what is pending now; resolves when it and every earlier write are done (or failed). */
  flush(): Promise<void>
  /** Stops writing these chats (all known ones without an id): pending changes are dropped. */
  drop(chatId?: string): string[]
  /** The store may lack changes made while nothing was written (history off): write each chat whole next. */
  rewriteAll(): void
  readonly pending: number
}

export interface BatchReport {
  /** A write failed; its changes stay pending and are retried with backoff. */
  failed(error: unknown): void
  /** Nothing that failed is waiting any more: a write worked after failures, or what failed was deleted. */
  recovered(): void
}

/** The longest wait between retries of a failing write (a full disk may be freed any time). */
const maxRetryMs = 60_000

export function createBatcher(
  write: (entries: HistoryEntry[]) => Promise<void>,
  report: BatchReport,
  delayMs = 400,
): Batcher {
  const dirty = new Map<string, { record: ChatRecord; from: number }>()
  // How many of each chat's messages the store is known to hold: a write starts no later than that,
  // so nothing that never made it (a failed write, messages while history was off) is skipped.
  const stored = new Map<string, number>()
  /** Chats deleted by the user: never written again, even while they go on. */
  const dropped = new Set<string>()
  /** Chats in batches not yet written (per chat, how many): "drop all" must catch a first write too. */
  const unsettled = new Map<string, number>()
  let failures = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let writing: Promise<void> = Promise.resolve()

  function mark(record: ChatRecord, from: number): void {
    const known = dirty.get(record.chatId)
    dirty.set(record.chatId, { record, from: Math.min(from, known?.from ?? from) })
  }

  /** Nothing left to write and nothing on its way: no failure is pending, whatever the disk says. */
  const idle = () => dirty.size === 0 && unsettled.size === 0

  function settleFailures(): void {
    clearTimeout(timer)
    timer = undefined
    if (failures === 0) return
    failures = 0
    report.recovered()
  }

  function flush(): Promise<void> {
    clearTimeout(timer)
    timer = undefined
    if (dirty.size === 0) return writing
    // Snapshot now: later edits to the live record go into the next batch.
    const batch = [...dirty.values()].map(({ record, from }) => ({
      record,
      from: Math.min(from, stored.get(record.chatId) ?? 0),
      count: record.messages.length,
    }))
    const entries = batch.flatMap(({ record, from }) => entriesFor(record, from))
    dirty.clear()
    for (const { record } of batch) unsettled.set(record.chatId, (unsettled.get(record.chatId) ?? 0) + 1)
    const settle = () => {
      for (const { record } of batch) {
        const left = (unsettled.get(record.chatId) ?? 1) - 1
        if (left > 0) unsettled.set(record.chatId, left)
        else unsettled.delete(record.chatId)
      }
    }
    writing = writing
      .then(() => write(entries))
      .finally(settle)
      .then(
        () => {
          // Only chats still being written: a dropped chat stays dropped.
          for (const { record, count } of batch) if (!dropped.has(record.chatId)) stored.set(record.chatId, count)
          if (failures === 0) return
          failures = 0
          report.recovered()
        },
        (error: unknown) => {
          for (const { record, from } of batch) if (!dropped.has(record.chatId)) mark(record, from)
          // Its chats were deleted meanwhile: nothing is lost, and no retry would ever come.
          if (idle()) return settleFailures()
          failures += 1
          report.failed(error)
          timer ??= setTimeout(() => void flush(), Math.min(maxRetryMs, delayMs * 2 ** failures))
        },
      )
    return writing
  }

  return {
    get pending() {
      return dirty.size
    },
    schedule(record, changedFrom = record.messages.length - 1) {
      if (dropped.has(record.chatId)) return
      mark(record, Math.max(0, changedFrom))
      timer ??= setTimeout(() => void flush(), delayMs)
    },
    flush,
    drop(chatId) {
      const ids =
        chatId === undefined ? [...new Set([...stored.keys(), ...dirty.keys(), ...unsettled.keys()])] : [chatId]
      for (const id of ids) {
        dropped.add(id)
        dirty.delete(id)
        stored.delete(id)
      }
      // Nothing left to write: a reported failure (a full disk) would stay, with no retry to lift it.
      if (idle()) settleFailures()
      return ids
    },
    rewriteAll: () => stored.clear(),
  }
}
