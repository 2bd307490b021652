// Whether a file is a history export (exportJson: one chat record; or an array of them), and if not, what
// is wrong with it. All or nothing: one malformed chat or message refuses the whole file. Records go
// through parseRecord and messages through parseMessages, so what the store accepts, import accepts.
import { parseMessages, parseRecord, type ChatRecord } from './record.ts'
import { messageKey } from './search-index.ts'

/** Far above any real export (a 10,000-message chat is about 2 MB), well below what a tab can parse. */
export const maxImportBytes = 50 * 1024 * 1024

/** `chat` counts from 1 in a file holding an array of chats, and is null in a file holding one. */
export type ImportProblem =
  | { kind: 'too-big'; bytes: number }
  | { kind: 'not-json'; detail: string }
  | { kind: 'not-chats' }
  | { kind: 'no-chats' }
  | { kind: 'field'; chat: number | null; field: string }
  | { kind: 'message'; chat: number | null; message: number }
  | { kind: 'repeated-message'; chat: number | null; message: number }
  | { kind: 'repeated-chat'; chat: number }
  | { kind: 'not-a-chat'; chat: number | null }

export type ImportCheck = { ok: true; records: ChatRecord[] } | { ok: false; problem: ImportProblem }

const isText = (value: unknown) => typeof value === 'string'
const isTime = (value: unknown) => typeof value === 'number' && Number.isFinite(value)

/** A record's fields in the order they are checked, so the first one wrong is the one named. */
const fieldChecks: [field: string, valid: (value: unknown) => boolean][] = [
  ['chatId', (value) => isText(value) && value !== ''],
  ['myName', isText],
  ['partnerName', isText],
  ['startedAt', isTime],
  ['endedAt', (value) => value === null || isTime(value)],
  ['messages', Array.isArray],
]

const refuse = (problem: ImportProblem): ImportCheck => ({ ok: false, problem })

function checkRecord(value: unknown, chat: number | null): ChatRecord | ImportProblem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'not-a-chat', chat }
  const fields = value as Record<string, unknown>
  const wrong = fieldChecks.find(([field, valid]) => !valid(fields[field]))
  if (wrong) return { kind: 'field', chat, field: wrong[0] }
  const messages = fields.messages as unknown[]
  const keys = new Set<string>()
  for (const [i, raw] of messages.entries()) {
    const [message] = parseMessages([raw])
    if (!message) return { kind: 'message', chat, message: i + 1 }
    const key = messageKey(message)
    if (keys.has(key)) return { kind: 'repeated-message', chat, message: i + 1 }
    keys.add(key)
  }
  const record = parseRecord(value)
  // parseRecord keeps what it can; an export it would shorten is not an export.
  if (!record || record.messages.length !== messages.length) return { kind: 'not-a-chat', chat }
  return record
}

/** A parsed file: one chat record, or an array of them. */
export function checkRecords(value: unknown): ImportCheck {
  const single = !Array.isArray(value)
  if (single && (typeof value !== 'object' || value === null)) return refuse({ kind: 'not-chats' })
  const values = single ? [value] : (value as unknown[])
  if (values.length === 0) return refuse({ kind: 'no-chats' })
  const records: ChatRecord[] = []
  const ids = new Set<string>()
  for (const [i, item] of values.entries()) {
    const checked = checkRecord(item, single ? null : i + 1)
    if ('kind' in checked) return refuse(checked)
    if (ids.has(checked.chatId)) return refuse({ kind: 'repeated-chat', chat: i + 1 })
    ids.add(checked.chatId)
    records.push(checked)
  }
  return { ok: true, records }
}

/** A file's text, as read. */
export function checkImport(text: string): ImportCheck {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return refuse({ kind: 'not-json', detail: error instanceof Error ? error.message : String(error) })
  }
  return checkRecords(value)
}

/** A file as chosen: its size is checked before a byte of it is read. */
export async function checkFile(file: Blob): Promise<ImportCheck> {
  if (file.size > maxImportBytes) return refuse({ kind: 'too-big', bytes: file.size })
  return checkImport(await file.text())
}
