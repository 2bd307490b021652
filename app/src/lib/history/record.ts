// Chat records (docs/app.md, "Local history"), their summaries for the History list, and parsing.
// No IndexedDB here (history-store.ts), no storage layout (history-layout.ts), no files (history-export.ts).
import { parseRichFields, type RichFields } from './rich-fields.ts'

export type MessageStatus = 'sending' | 'delivered' | 'received'

export interface StoredMessage extends RichFields {
  id: string
  from: 'me' | 'them'
  text: string
  at: number
  status: MessageStatus
  /** A partner's message as signed: when they say they sent it, and their signature (evidence for a report). */
  proof?: MessageProof
}

export interface MessageProof {
  sentAt: number
  sig: string
  /** The text as signed, when it differs from the text shown (which is tidied). */
  text?: string
}

export interface ChatRecord {
  chatId: string
  myName: string
  partnerName: string
  startedAt: number
  endedAt: number | null
  messages: StoredMessage[]
}

/** What the History list shows of a chat, readable without loading its messages. */
export interface ChatSummary {
  chatId: string
  myName: string
  partnerName: string
  startedAt: number
  endedAt: number | null
  messageCount: number
  lastText: string
}

/** Enough of the last message for a one-line preview; the full text stays with the messages. */
const previewChars = 200

export function summaryOf(record: ChatRecord): ChatSummary {
  const { messages, ...header } = record
  const last = messages.at(-1)
  return { ...header, messageCount: messages.length, lastText: (last ? previewOf(last) : '').slice(0, previewChars) }
}

/** A message in one line of the History list: its text, or a sign for it in any language (the summary is stored). */
const previewOf = (message: StoredMessage): string => (message.deleted ? '🚫' : message.image ? '🖼️' : message.text)

export const newestFirst = <T extends { startedAt: number }>(items: T[]): T[] =>
  [...items].sort((a, b) => b.startedAt - a.startedAt)

type Header = Omit<ChatRecord, 'messages'>

/** The fields every stored chat has; null for anything else (other versions, corruption). */
function parseHeader(value: unknown): (Header & Record<string, unknown>) | null {
  if (typeof value !== 'object' || value === null) return null
  const r = value as Record<string, unknown>
  if (
    typeof r.chatId !== 'string' ||
    typeof r.myName !== 'string' ||
    typeof r.partnerName !== 'string' ||
    typeof r.startedAt !== 'number' ||
    !(typeof r.endedAt === 'number' || r.endedAt === null)
  )
    return null
  return r as Header & Record<string, unknown>
}

const headerOf = ({ chatId, myName, partnerName, startedAt, endedAt }: Header): Header => ({
  chatId,
  myName,
  partnerName,
  startedAt,
  endedAt,
})

/** The well-formed messages of a stored list; malformed entries are skipped, not fatal. */
export function parseMessages(values: unknown): StoredMessage[] {
  if (!Array.isArray(values)) return []
  const messages: StoredMessage[] = []
  for (const m of values as unknown[]) {
    if (typeof m !== 'object' || m === null) continue
    const { id, from, text, at, status, proof } = m as Record<string, unknown>
    if (typeof id !== 'string' || (from !== 'me' && from !== 'them') || typeof text !== 'string') continue
    if (typeof at !== 'number' || (status !== 'sending' && status !== 'delivered' && status !== 'received')) continue
    messages.push({ id, from, text, at, status, ...proofOf(proof), ...parseRichFields(m as Record<string, unknown>) })
  }
  return messages
}

function proofOf(value: unknown): { proof?: MessageProof } {
  if (typeof value !== 'object' || value === null) return {}
  const { sentAt, sig, text } = value as Record<string, unknown>
  if (typeof sentAt !== 'number' || typeof sig !== 'string') return {}
  return { proof: typeof text === 'string' ? { sentAt, sig, text } : { sentAt, sig } }
}

/** The first of each sender's messages with one id: the list is keyed by sender and id, and a repeat throws. */
export function uniqueMessages(messages: StoredMessage[]): StoredMessage[] {
  const seen = new Set<string>()
  return messages.filter((m) => {
    const key = `${m.from}:${m.id}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** A whole record, as exported and as the first version of the store kept it (one value per chat). */
export function parseRecord(value: unknown): ChatRecord | null {
  const header = parseHeader(value)
  if (!header || !Array.isArray(header.messages)) return null
  return { ...headerOf(header), messages: uniqueMessages(parseMessages(header.messages)) }
}

/** A chat in the current layout: its summary (from the head) and its chunks, in order. */
export function recordOf(summary: ChatSummary, chunks: unknown[]): ChatRecord {
  return { ...headerOf(summary), messages: uniqueMessages(chunks.flatMap(parseMessages)) }
}

/** A chat's summary from a stored head (current layout) or a whole record (first version). */
export function parseSummary(value: unknown): ChatSummary | null {
  const header = parseHeader(value)
  if (!header) return null
  const whole = parseRecord(header)
  if (whole) return summaryOf(whole)
  if (typeof header.messageCount !== 'number' || typeof header.lastText !== 'string') return null
  return { ...headerOf(header), messageCount: header.messageCount, lastText: header.lastText }
}
