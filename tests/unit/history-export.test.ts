import { describe, expect, it } from 'vitest'
import type { ChatRecord, StoredMessage } from '../../app/src/lib/history/record.ts'
import { exportFileName, exportJson, exportText, type UtcOffset } from '../../app/src/lib/history/export.ts'

const start = Date.UTC(2026, 10, 22, 18, 45, 3) // 19:45:03 in Paris (UTC+01:00)
const paris: UtcOffset = () => 60

function chat(
  texts: [from: StoredMessage['from'], text: string][],
  names = { my: 'Calm Otter', partner: 'Bold Lynx' },
) {
  const record: ChatRecord = {
    chatId: 'c1',
    myName: names.my,
    partnerName: names.partner,
    startedAt: start,
    endedAt: start + 60_000,
    messages: texts.map(([from, text], i) => ({
      id: `id-${i}-abcdef`,
      from,
      text,
      at: start + i * 1_000,
      status: from === 'me' ? 'delivered' : 'received',
    })),
  }
  return record
}

/** The lines after the header (the header ends at the first empty line). */
const body = (text: string) => text.split('\n').slice(text.split('\n').indexOf('') + 1, -1)

describe('text export', () => {
  it('writes each message on a line of its own with both names and local times', () => {
    const text = exportText(
      chat([
        ['me', 'hello'],
        ['them', 'hi'],
      ]),
      paris,
    )
    expect(text.split('\n').slice(0, 4)).toEqual([
      'Hush chat with Bold Lynx (you were Calm Otter)',
      'Started 2026-11-22 19:45:03, ended 2026-11-22 19:46:03',
      'Times are local time, UTC+01:00. Lines indented by 4 spaces continue the message above.',
      '',
    ])
    expect(body(text)).toEqual(['[2026-11-22 19:45:03] Calm Otter: hello', '[2026-11-22 19:45:04] Bold Lynx: hi'])
  })

  it('indents a message’s later lines, whatever line break the partner used, so none passes for a message of mine', () => {
    const forged = '[2026-11-22 19:45:05] Calm Otter: I agree to send the money'
    const breaks = ['\n', '\r\n', '\r', '\u2028', '\u2029', '\u0085', '\v', '\f']
    const record = chat(breaks.map((eol) => ['them', `ok${eol}${forged}`]))
    const lines = body(exportText(record, paris))
    expect(lines).toHaveLength(breaks.length * 2)
    for (const [i, line] of lines.entries())
      expect(line).toBe(
        i % 2 ? `    ${forged}` : `[2026-11-22 19:45:${String(3 + i / 2).padStart(2, '0')}] Bold Lynx: ok`,
      )
  })

  it('writes terminal escapes and bidi controls visibly, and long runs of spaces as a count', () => {
    const lines = body(
      exportText(
        chat([
          ['them', 'ok\u001b[1A\u001b[2K'],
          ['them', 'a\u202eb\u2067c\u200f'],
          ['them', `ok${' '.repeat(200)}[2026-11-22 19:45:05] Calm Otter: yes`],
          ['them', 'tab\tand  two spaces'],
        ]),
        paris,
      ),
    )
    expect(lines).toEqual([
      '[2026-11-22 19:45:03] Bold Lynx: ok<U+001B>[1A<U+001B>[2K',
      '[2026-11-22 19:45:04] Bold Lynx: a<U+202E>b<U+2067>c<U+200F>',
      '[2026-11-22 19:45:05] Bold Lynx: ok <200 spaces> [2026-11-22 19:45:05] Calm Otter: yes',
      '[2026-11-22 19:45:06] Bold Lynx: tab\tand  two spaces',
    ])
  })

  it('keeps names on one line', () => {
    const text = exportText(chat([['them', 'hi']], { my: 'Calm Otter', partner: 'Bold\nLynx' }), paris)
    expect(text.split('\n')[0]).toBe('Hush chat with Bold Lynx (you were Calm Otter)')
    expect(body(text)).toEqual(['[2026-11-22 19:45:03] Bold Lynx: hi'])
  })

  it('names the zone west of UTC and half hours, and a line’s own offset after a daylight-saving change', () => {
    const record = chat([
      ['me', 'before'],
      ['them', 'after'],
    ])
    expect(exportText(record, () => -330)).toContain('Times are local time, UTC-05:30.')
    const dstAt = start + 500
    const lines = body(exportText(record, (at) => (at < dstAt ? 60 : 120)))
    expect(lines).toEqual([
      '[2026-11-22 19:45:03] Calm Otter: before',
      '[2026-11-22 20:45:04 UTC+02:00] Bold Lynx: after',
    ])
  })

  it('survives a corrupt timestamp', () => {
    const record = chat([['them', 'hi']])
    record.messages[0]!.at = 1e20
    expect(body(exportText(record, paris))).toEqual(['[????-??-?? ??:??:??] Bold Lynx: hi'])
  })
})

describe('JSON export', () => {
  it('is the record itself, line breaks and all', async () => {
    const record = chat([['them', 'ok\n[2026-11-22 19:45:05] Calm Otter: yes\u202e']])
    expect(JSON.parse(await exportJson(record))).toEqual(record)
  })
})

describe('export file name', () => {
  it('is readable: the local date and time the chat started, then the partner', () => {
    expect(exportFileName(chat([]), 'txt', paris)).toBe('hush-2026-11-22-1945-Bold-Lynx.txt')
    expect(exportFileName(chat([]), 'json', () => -300)).toBe('hush-2026-11-22-1345-Bold-Lynx.json')
  })

  it('keeps only letters, digits and single dashes of any name, and never an empty or endless one', () => {
    const named = (partner: string) => exportFileName(chat([], { my: 'Me', partner }), 'txt', paris)
    expect(named('../..\\Bold:Lynx*?"<>|\u202e\n\u0000.txt')).toBe('hush-2026-11-22-1945-Bold-Lynx-txt.txt')
    expect(named('Zoë Ünal')).toBe('hush-2026-11-22-1945-Zoë-Ünal.txt')
    expect(named('Zoe\u0308')).toBe('hush-2026-11-22-1945-Zoë.txt')
    expect(named('...')).toBe('hush-2026-11-22-1945-chat.txt')
    expect(named('')).toBe('hush-2026-11-22-1945-chat.txt')
    expect(named('x'.repeat(500))).toBe(`hush-2026-11-22-1945-${'x'.repeat(40)}.txt`)
  })
})
