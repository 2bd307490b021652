// A saved chat as a file: JSON (the record itself, faithful) and plain text for people to read, in
// which nothing the partner sends can pass for a line of its own, with times in the reader's zone.
import type { ChatRecord, StoredMessage } from './record.ts'
import { toBase64 } from '../link/bytes.ts'

/** Minutes east of UTC at a moment: the local zone by default, fixed ones in tests. */
export type UtcOffset = (at: number) => number

export const localOffset: UtcOffset = (at) => -new Date(at).getTimezoneOffset()

/** The widest range a Date holds: a corrupt timestamp must not make toISOString throw. */
const maxTimeMs = 8.64e15

interface LocalTime {
  date: string
  time: string
  zone: string
}

function localTime(at: number, offsetOf: UtcOffset): LocalTime {
  const offset = offsetOf(at)
  const shifted = at + offset * 60_000
  // NaN fails this comparison too.
  if (!(Math.abs(shifted) <= maxTimeMs)) return { date: '????-??-??', time: '??:??:??', zone: '' }
  // The UTC fields of the shifted moment are the local wall-clock time.
  const iso = new Date(shifted).toISOString()
  const minutes = Math.abs(offset)
  const hhmm = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
  return { date: iso.slice(0, 10), time: iso.slice(11, 19), zone: `UTC${offset < 0 ? '-' : '+'}${hhmm}` }
}

/** Every way a text viewer may start a new line (Unicode's mandatory breaks). */
const lineBreaks = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/

/**
 * Control and bidi formatting characters, written as <U+XXXX>: terminal escapes could rewrite earlier
 * lines when the file is printed, and bidi controls could make an indented line read like another.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const invisible = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/** A long run of spaces pushes what follows to the start of a wrapped line, where it would read as a new line. */
const longBlank = /\s{9,}/g

function escapeLine(line: string): string {
  return line
    .replace(invisible, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`)
    .replace(longBlank, (run) => ` <${run.length} spaces> `)
}

/** A name on one line, as the text export prints it. */
const oneLine = (name: string): string => name.split(lineBreaks).map(escapeLine).join(' ')

/** How far a message's later lines are indented: no line of text the partner sends starts a line. */
const continuation = '    '

/** The record itself, each picture as base64 `data` (a Blob has no JSON form): read back by the import. */
export async function exportJson(record: ChatRecord): Promise<string> {
  const messages = await Promise.all(record.messages.map(withImageData))
  return JSON.stringify({ ...record, messages }, null, 2)
}

async function withImageData(message: StoredMessage): Promise<StoredMessage | Record<string, unknown>> {
  if (!message.image) return message
  const { blob, ...image } = message.image
  if (!blob) return { ...message, image }
  return { ...message, image: { ...image, data: toBase64(new Uint8Array(await blob.arrayBuffer())) } }
}

/** "1.2 MB": in the file's own language, English, like the rest of its framing. */
const fileSize = (bytes: number): string =>
  bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`

/** How many characters of a quoted message a reply's line shows. */
const quoteChars = 60

/** What stands for a message's text on its line: an image, a deletion, or the text with the reply it answers. */
function textOf(m: StoredMessage, record: ChatRecord, names: { me: string; them: string }): string {
  if (m.deleted) return '(message deleted)'
  if (m.image)
    return m.image.status === 'done' || m.from === 'me'
      ? `[image, ${m.image.width} × ${m.image.height}, ${fileSize(m.image.bytes)}]`
      : '[image, not received]'
  if (m.replyTo === undefined) return m.text
  const quoted = record.messages.find((q) => q.id === m.replyTo)
  const quote = !quoted || quoted.deleted ? '(message deleted)' : quoted.image ? '[image]' : quoted.text
  const short = oneLine([...quote].length > quoteChars ? [...quote].slice(0, quoteChars).join('') + '…' : quote)
  return `(reply to ${quoted?.from === 'me' ? names.me : names.them}: “${short}”) ${m.text}`
}

/** Edited, and the reactions: after the sender's name, where nothing the partner typed can appear. */
function marksOf(m: StoredMessage, names: { me: string; them: string }): string {
  const edited = m.editedAt !== undefined && !m.deleted ? ' (edited)' : ''
  const reactions = (['me', 'them'] as const).flatMap((who) =>
    m.reactions?.[who] ? [`${m.reactions[who]} ${who === 'me' ? 'you' : names.them}`] : [],
  )
  return edited + (reactions.length > 0 ? ` [${reactions.join(', ')}]` : '')
}

export function exportText(record: ChatRecord, offsetOf: UtcOffset = localOffset): string {
  const start = localTime(record.startedAt, offsetOf)
  // The header names the zone once; a line whose offset differs (a daylight-saving change) names its own.
  const stamp = (at: number): string => {
    const t = localTime(at, offsetOf)
    return `${t.date} ${t.time}${t.zone === start.zone || !t.zone ? '' : ` ${t.zone}`}`
  }
  const me = oneLine(record.myName)
  const partner = oneLine(record.partnerName)
  const lines = [
    `Hush chat with ${partner} (you were ${me})`,
    `Started ${stamp(record.startedAt)}` + (record.endedAt === null ? '' : `, ended ${stamp(record.endedAt)}`),
    `Times are local time, ${start.zone || 'offset unknown'}.` +
      ` Lines indented by ${continuation.length} spaces continue the message above.`,
    '',
  ]
  const names = { me, them: partner }
  for (const m of record.messages) {
    const [first = '', ...rest] = textOf(m, record, names).split(lineBreaks).map(escapeLine)
    lines.push(`[${stamp(m.at)}] ${m.from === 'me' ? me : partner}${marksOf(m, names)}: ${first}`)
    for (const line of rest) lines.push(continuation + line)
  }
  return lines.join('\n') + '\n'
}

/** Longest name part of a file name, in characters: enough for any guest name. */
const maxNameChars = 40

/** E.g. hush-2026-11-22-1945-Bold-Lynx.txt: readable, sortable, and only letters, digits and dashes. */
export function exportFileName(record: ChatRecord, kind: 'json' | 'txt', offsetOf: UtcOffset = localOffset): string {
  const { date, time } = localTime(record.startedAt, offsetOf)
  const when = `${date}-${time.slice(0, 2)}${time.slice(3, 5)}`.replace(/\?/g, '0')
  const words = record.partnerName.normalize('NFC').replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
  const name = [...words.replace(/^-+/, '')].slice(0, maxNameChars).join('').replace(/-+$/, '')
  return `hush-${when}-${name || 'chat'}.${kind}`
}
