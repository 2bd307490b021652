import { describe, expect, it } from 'vitest'
import { parseRecord, summaryOf, type ChatRecord } from '../../app/src/lib/history/record.ts'
import { entriesFor } from '../../app/src/lib/history/layout.ts'
import { exportJson, exportText } from '../../app/src/lib/history/export.ts'

const start = Date.UTC(2026, 10, 22, 18, 45, 3)
const picture = new Blob([new Uint8Array([0xff, 0xd8, 1, 2, 3, 0xff, 0xd9])], { type: 'image/jpeg' })

function richChat(): ChatRecord {
  return {
    chatId: 'c1',
    myName: 'Calm Otter',
    partnerName: 'Bold Lynx',
    startedAt: start,
    endedAt: start + 60_000,
    messages: [
      { id: 'q1-abcdefgh', from: 'them', text: 'which film?', at: start, status: 'received', reactions: { me: '😂' } },
      {
        id: 'a1-abcdefgh',
        from: 'me',
        text: 'the lighthouse',
        at: start + 1_000,
        status: 'delivered',
        replyTo: 'q1-abcdefgh',
      },
      {
        id: 'e1-abcdefgh',
        from: 'me',
        text: 'tomorrow',
        at: start + 2_000,
        status: 'delivered',
        editedAt: start + 3_000,
      },
      { id: 'd1-abcdefgh', from: 'them', text: '', at: start + 4_000, status: 'received', deleted: true },
      {
        id: 'i1-abcdefgh',
        from: 'them',
        text: '',
        at: start + 5_000,
        status: 'received',
        image: { mime: 'image/jpeg', bytes: picture.size, width: 1600, height: 1200, status: 'done', blob: picture },
      },
      {
        id: 'i2-abcdefgh',
        from: 'them',
        text: '',
        at: start + 6_000,
        status: 'received',
        image: { mime: 'image/webp', bytes: 2_500_000, width: 800, height: 600, status: 'failed' },
      },
    ],
  }
}

describe('history with replies, reactions, edits, deletions and images', () => {
  it('stores each message’s extras in its chunk, the picture as a Blob', () => {
    const [, [, chunk]] = entriesFor(richChat(), 0) as [unknown, [unknown, unknown[]]]
    const [question, answer, edited, deleted, image] = chunk as ChatRecord['messages']
    expect(question!.reactions).toEqual({ me: '😂' })
    expect(answer!.replyTo).toBe('q1-abcdefgh')
    expect(edited!.editedAt).toBe(start + 3_000)
    expect(deleted!.deleted).toBe(true)
    expect(image!.image!.blob).toBe(picture)
  })

  it('reads them back, dropping a malformed extra but keeping the message', () => {
    const stored = richChat()
    const raw = JSON.parse(JSON.stringify(stored)) as { messages: Record<string, unknown>[] }
    raw.messages[0]!.reactions = { me: '💩', them: '👍' }
    raw.messages[4]!.image = { ...(raw.messages[4]!.image as object), mime: 'text/html' }
    const back = parseRecord(raw)!
    expect(back.messages).toHaveLength(6)
    expect(back.messages[0]!.reactions).toEqual({ them: '👍' })
    expect(back.messages[4]).not.toHaveProperty('image')
    // A picture whose bytes are gone is shown as not received, not as a broken image.
    expect(parseRecord(JSON.parse(JSON.stringify(stored)))!.messages[4]!.image?.status).toBe('failed')
  })

  it('exports pictures as base64 in JSON, read back byte for byte', async () => {
    const json = await exportJson(richChat())
    const back = parseRecord(JSON.parse(json))!
    const image = back.messages[4]!.image!
    expect(image.status).toBe('done')
    expect(new Uint8Array(await image.blob!.arrayBuffer())).toEqual(new Uint8Array(await picture.arrayBuffer()))
    expect(image.blob!.type).toBe('image/jpeg')
  })

  it('writes them readably in the text export', () => {
    const lines = exportText(richChat(), () => 60).split('\n')
    const body = lines.slice(lines.indexOf('') + 1, -1)
    expect(body).toEqual([
      '[2026-11-22 19:45:03] Bold Lynx [😂 you]: which film?',
      '[2026-11-22 19:45:04] Calm Otter: (reply to Bold Lynx: “which film?”) the lighthouse',
      '[2026-11-22 19:45:05] Calm Otter (edited): tomorrow',
      '[2026-11-22 19:45:07] Bold Lynx: (message deleted)',
      '[2026-11-22 19:45:08] Bold Lynx: [image, 1600 × 1200, 1 KB]',
      '[2026-11-22 19:45:09] Bold Lynx: [image, not received]',
    ])
  })

  it('previews an image or a deletion in the History list, never an empty line', () => {
    const record = richChat()
    expect(summaryOf(record).lastText).toBe('🖼️')
    record.messages.splice(4)
    expect(summaryOf(record).lastText).toBe('🚫')
  })
})
