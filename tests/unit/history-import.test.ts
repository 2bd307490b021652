// The import check: a history export (one record or an array) is taken whole; anything else is refused whole, with what is wrong.
import { describe, expect, it } from 'vitest'
import { checkFile, checkImport, checkRecords, maxImportBytes } from '../../app/src/lib/history/import-check.ts'
import { exportJson } from '../../app/src/lib/history/export.ts'
import type { ChatRecord } from '../../app/src/lib/history/record.ts'

const record = (chatId = 'chat-1'): ChatRecord => ({
  chatId,
  myName: 'Calm Otter',
  partnerName: 'Bold Lynx',
  startedAt: 1_700_000_000_000,
  endedAt: 1_700_000_060_000,
  messages: [
    { id: 'a-abcdef', from: 'me', text: 'hi', at: 1_700_000_000_001, status: 'delivered' },
    {
      id: 'b-abcdef',
      from: 'them',
      text: 'hello',
      at: 1_700_000_000_002,
      status: 'received',
      proof: { sentAt: 1_700_000_000_002, sig: 'c2ln' },
    },
  ],
})

const problemOf = (value: unknown) => {
  const checked = checkRecords(value)
  return checked.ok ? null : checked.problem
}

describe('import check', () => {
  it('takes an export as exportJson writes it, unchanged', async () => {
    expect(checkImport(await exportJson(record()))).toEqual({ ok: true, records: [record()] })
  })

  it('keeps what messages carry beyond their text (replies, reactions, edits, pictures), as the store parses it', async () => {
    const picture = new Blob([new Uint8Array([0xff, 0xd8, 1, 2, 0xff, 0xd9])], { type: 'image/jpeg' })
    const rich: ChatRecord = {
      ...record(),
      messages: [
        { id: 'q-abcdef', from: 'them', text: 'film?', at: 1, status: 'received', reactions: { me: '😂' } },
        { id: 'r-abcdef', from: 'me', text: 'yes', at: 2, status: 'delivered', replyTo: 'q-abcdef', editedAt: 3 },
        {
          id: 'i-abcdef',
          from: 'them',
          text: '',
          at: 4,
          status: 'received',
          image: { mime: 'image/jpeg', bytes: picture.size, width: 10, height: 10, status: 'done', blob: picture },
        },
      ],
    }
    const checked = checkImport(await exportJson(rich))
    if (!checked.ok) throw new Error(`refused: ${checked.problem.kind}`)
    const [reacted, reply, image] = checked.records[0]!.messages
    expect(reacted!.reactions).toEqual({ me: '😂' })
    expect([reply!.replyTo, reply!.editedAt]).toEqual(['q-abcdef', 3])
    expect(new Uint8Array(await image!.image!.blob!.arrayBuffer())).toEqual(new Uint8Array(await picture.arrayBuffer()))
  })

  it('takes an array of exports', () => {
    const checked = checkImport(JSON.stringify([record('a'), record('b')]))
    expect(checked.ok && checked.records.map((r) => r.chatId)).toEqual(['a', 'b'])
  })

  it('refuses what is not JSON, saying so', () => {
    expect(checkImport('{"chatId": ')).toMatchObject({ ok: false, problem: { kind: 'not-json' } })
    expect(checkImport('')).toMatchObject({ ok: false, problem: { kind: 'not-json' } })
  })

  it('refuses JSON that holds no chat', () => {
    for (const junk of [null, 42, 'text', true]) expect(problemOf(junk)).toEqual({ kind: 'not-chats' })
    expect(problemOf([])).toEqual({ kind: 'no-chats' })
    expect(problemOf({})).toEqual({ kind: 'field', chat: null, field: 'chatId' })
    expect(problemOf([record(), 7])).toEqual({ kind: 'not-a-chat', chat: 2 })
  })

  it('names the first field that is missing or wrong', () => {
    expect(problemOf({ ...record(), chatId: '' })).toEqual({ kind: 'field', chat: null, field: 'chatId' })
    expect(problemOf({ ...record(), partnerName: 3 })).toEqual({ kind: 'field', chat: null, field: 'partnerName' })
    expect(problemOf({ ...record(), startedAt: '2024' })).toEqual({ kind: 'field', chat: null, field: 'startedAt' })
    expect(problemOf({ ...record(), endedAt: undefined })).toEqual({ kind: 'field', chat: null, field: 'endedAt' })
    expect(problemOf({ ...record(), messages: 'hi' })).toEqual({ kind: 'field', chat: null, field: 'messages' })
    expect(problemOf([record('a'), { ...record('b'), myName: null }])).toEqual({
      kind: 'field',
      chat: 2,
      field: 'myName',
    })
  })

  it('refuses the whole file for one malformed or repeated message (the store would skip it)', () => {
    const bad = record()
    const messages: unknown[] = [
      ...bad.messages,
      { id: 'c-abcdef', from: 'someone', text: 'x', at: 3, status: 'received' },
    ]
    expect(problemOf({ ...bad, messages })).toEqual({ kind: 'message', chat: null, message: 3 })
    expect(problemOf({ ...bad, messages: [...bad.messages, 'hello'] })).toEqual({
      kind: 'message',
      chat: null,
      message: 3,
    })
    expect(problemOf({ ...bad, messages: [...bad.messages, bad.messages[0]] })).toEqual({
      kind: 'repeated-message',
      chat: null,
      message: 3,
    })
  })

  it('refuses a file holding one chat twice', () => {
    expect(problemOf([record('a'), record('b'), record('a')])).toEqual({ kind: 'repeated-chat', chat: 3 })
  })

  it('refuses a file over the size limit before reading it', async () => {
    const huge = { size: maxImportBytes + 1, text: () => Promise.reject(new Error('read')) } as unknown as Blob
    expect(await checkFile(huge)).toEqual({ ok: false, problem: { kind: 'too-big', bytes: maxImportBytes + 1 } })
    expect((await checkFile(new Blob([await exportJson(record())]))).ok).toBe(true)
  })
})
