import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  parseMessages,
  parseRecord,
  parseSummary,
  recordOf,
  summaryOf,
  type ChatRecord,
  type ChatSummary,
  type StoredMessage,
} from '../../app/src/lib/history/record.ts'
import { chunkSize, createBatcher, entriesFor, type HistoryEntry } from '../../app/src/lib/history/layout.ts'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

const message = (i: number): StoredMessage => ({
  id: `id-${i}-abcdef`,
  from: i % 2 ? 'them' : 'me',
  text: `message ${i}`,
  at: 1_700_000_000_000 + i,
  status: i % 2 ? 'received' : 'sending',
})

const record = (chatId: string, count = 0): ChatRecord => ({
  chatId,
  myName: 'Calm Otter',
  partnerName: 'Bold Lynx',
  startedAt: 1_700_000_000_000,
  endedAt: null,
  messages: Array.from({ length: count }, (_, i) => message(i)),
})

const keysOf = (entries: HistoryEntry[]) => entries.map(([key]) => key)

/** What a store holding these writes gives back for the chat: the head, then its chunks in key order. */
function reassemble(writes: HistoryEntry[][], chatId: string): ChatRecord | null {
  const stored = new Map<string, unknown>()
  for (const entries of writes) for (const [key, value] of entries) stored.set(JSON.stringify(key), value)
  const summary = parseSummary(stored.get(JSON.stringify(chatId)))
  if (!summary) return null
  const chunks: unknown[] = []
  for (let n = 0; stored.has(JSON.stringify([chatId, n])); n++) chunks.push(stored.get(JSON.stringify([chatId, n])))
  return recordOf(summary, chunks)
}

describe('history layout', () => {
  it('lays a chat out as a head with its summary and fixed-size chunks of copied messages', () => {
    const live = record('c1', chunkSize * 2 + 3)
    const entries = entriesFor(live, 0)
    expect(keysOf(entries)).toEqual(['c1', ['c1', 0], ['c1', 1], ['c1', 2]])
    expect(entries[0]![1]).toMatchObject({
      v: 2,
      chatId: 'c1',
      messageCount: chunkSize * 2 + 3,
      lastText: 'message 102',
    })
    expect((entries[3]![1] as StoredMessage[]).map((m) => m.text)).toEqual([
      'message 100',
      'message 101',
      'message 102',
    ])
    expect((entries[1]![1] as StoredMessage[])[0]).not.toBe(live.messages[0])
  })

  it('rewrites only the chunks at or after the first change', () => {
    const live = record('c1', chunkSize * 3)
    expect(keysOf(entriesFor(live, chunkSize * 3 - 1))).toEqual(['c1', ['c1', 2]])
    expect(keysOf(entriesFor(live, chunkSize + 1))).toEqual(['c1', ['c1', 1], ['c1', 2]])
    // The end time alone: the head, and nothing past the last message.
    expect(keysOf(entriesFor(live, live.messages.length))).toEqual(['c1'])
  })

  it('shortens the preview, not the stored message', () => {
    const live = record('c1', 1)
    live.messages[0]!.text = 'x'.repeat(1000)
    expect(summaryOf(live).lastText).toHaveLength(200)
    expect((entriesFor(live, 0)[1]![1] as StoredMessage[])[0]!.text).toHaveLength(1000)
  })
})

const quiet = { failed: () => {}, recovered: () => {} }

/** A batcher whose writes always succeed and are kept, in order. */
function recording() {
  const writes: HistoryEntry[][] = []
  return { writes, batcher: createBatcher(async (entries) => void writes.push(entries), quiet, 400) }
}

describe('history batching', () => {
  it('coalesces a burst of changes into one write with the latest state', async () => {
    const { writes, batcher } = recording()
    const live = record('c1')
    for (let i = 0; i < 60; i++) {
      live.messages.push(message(i))
      batcher.schedule(live)
    }
    batcher.schedule(record('c2', 1))
    expect(writes).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(400)
    expect(writes).toHaveLength(1)
    expect(keysOf(writes[0]!)).toEqual(['c1', ['c1', 0], ['c1', 1], 'c2', ['c2', 0]])
    expect(reassemble(writes, 'c1')).toEqual(live)
  })

  it('keeps each batch as small as the change: a message late in a long chat writes one chunk', async () => {
    const { writes, batcher } = recording()
    const live = record('c1', 0)
    for (let i = 0; i < chunkSize * 4; i++) {
      live.messages.push(message(i))
      batcher.schedule(live)
      if (i % 7 === 0) await batcher.flush()
    }
    await batcher.flush()
    live.messages.push(message(chunkSize * 4))
    batcher.schedule(live)
    // An ack for a message in the chunk before: from there on.
    live.messages[chunkSize * 4 - 2]!.status = 'delivered'
    batcher.schedule(live, chunkSize * 4 - 2)
    await batcher.flush()
    expect(keysOf(writes.at(-1)!)).toEqual(['c1', ['c1', 3], ['c1', 4]])
    expect(reassemble(writes, 'c1')).toEqual(live)
  })

  it('writes from what the store holds: messages never saved (history off a while) are not skipped', async () => {
    const { writes, batcher } = recording()
    const live = record('c1', chunkSize + 10)
    batcher.schedule(live)
    await batcher.flush()
    // Meanwhile 60 messages came and went unsaved; then one more is saved.
    for (let i = chunkSize + 10; i < chunkSize * 2 + 21; i++) live.messages.push(message(i))
    batcher.schedule(live)
    await batcher.flush()
    expect(keysOf(writes.at(-1)!)).toEqual(['c1', ['c1', 1], ['c1', 2]])
    expect(reassemble(writes, 'c1')).toEqual(live)
  })

  it('writes a snapshot: later edits wait for the next batch', async () => {
    const { writes, batcher } = recording()
    const live = record('c1', 1)
    batcher.schedule(live)
    const flushed = batcher.flush()
    live.messages[0]!.status = 'delivered'
    await flushed
    expect(reassemble(writes, 'c1')?.messages[0]!.status).toBe('sending')
    expect(batcher.pending).toBe(0)
  })

  it('retries a failed write by itself, with backoff, and says when it works again', async () => {
    const reports: string[] = []
    let failing = 2
    const writes: HistoryEntry[][] = []
    const batcher = createBatcher(
      async (entries) => {
        if (failing-- > 0) throw new Error('QuotaExceededError')
        writes.push(entries)
      },
      { failed: () => reports.push('failed'), recovered: () => reports.push('recovered') },
      400,
    )
    const live = record('c1', chunkSize + 2)
    batcher.schedule(live)
    await vi.advanceTimersByTimeAsync(400) // first try fails
    expect(reports).toEqual(['failed'])
    await vi.advanceTimersByTimeAsync(799) // no new message: the retry comes on its own, after 800 ms
    expect(reports).toEqual(['failed'])
    await vi.advanceTimersByTimeAsync(1)
    expect(reports).toEqual(['failed', 'failed'])
    await vi.advanceTimersByTimeAsync(1600) // then after 1.6 s, and it works
    expect(reports).toEqual(['failed', 'failed', 'recovered'])
    expect(reassemble(writes, 'c1')).toEqual(live)
    expect(batcher.pending).toBe(0)
  })

  it('never writes a dropped (deleted) chat again, pending changes included', async () => {
    const { writes, batcher } = recording()
    const live = record('c1', 3)
    batcher.schedule(live)
    await batcher.flush()
    live.messages.push(message(3))
    batcher.schedule(live)
    batcher.schedule(record('c2', 1))
    expect(batcher.drop().sort()).toEqual(['c1', 'c2'])
    live.messages.push(message(4))
    batcher.schedule(live)
    await batcher.flush()
    expect(writes).toHaveLength(1)
    expect(batcher.pending).toBe(0)
  })
})

describe('history batching: deletes and history switched back on', () => {
  it('"drop all" also catches a chat whose very first write is still on its way', async () => {
    let release: () => void = () => {}
    const writes: HistoryEntry[][] = []
    const batcher = createBatcher(
      (entries) =>
        new Promise<void>((resolve) => {
          writes.push(entries)
          release = resolve
        }),
      quiet,
    )
    const live = record('c1', 2)
    batcher.schedule(live)
    const first = batcher.flush()
    while (writes.length === 0) await Promise.resolve() // the write has started, not yet settled
    expect(batcher.drop()).toEqual(['c1'])
    release()
    await first
    live.messages.push(message(2))
    batcher.schedule(live)
    await batcher.flush()
    expect(writes).toHaveLength(1)
  })

  it('lifts a failure when the failing chats are deleted: no retry would ever succeed to lift it', async () => {
    const reports: string[] = []
    let tries = 0
    const batcher = createBatcher(
      async () => {
        tries++
        throw new Error('QuotaExceededError')
      },
      { failed: () => reports.push('failed'), recovered: () => reports.push('recovered') },
      400,
    )
    batcher.schedule(record('c1', 1))
    await vi.advanceTimersByTimeAsync(400)
    expect(reports).toEqual(['failed'])
    batcher.drop('c1')
    expect(reports).toEqual(['failed', 'recovered'])
    await vi.advanceTimersByTimeAsync(120_000) // and nothing is retried
    expect(tries).toBe(1)
  })

  it('reports no failure for a write whose chats were deleted while it was on its way', async () => {
    const reports: string[] = []
    let refuse: ((error: Error) => void) | undefined
    const batcher = createBatcher(
      () => new Promise<void>((_, reject) => (refuse = reject)),
      { failed: () => reports.push('failed'), recovered: () => reports.push('recovered') },
      400,
    )
    batcher.schedule(record('c1', 1))
    const written = batcher.flush()
    while (!refuse) await Promise.resolve() // the write has started, not yet settled
    batcher.drop()
    refuse(new Error('QuotaExceededError'))
    await written
    await vi.advanceTimersByTimeAsync(120_000)
    expect(reports).toEqual([])
    expect(batcher.pending).toBe(0)
  })

  it('after rewriteAll, the next write of a chat is whole (changes made while nothing was written)', async () => {
    const { writes, batcher } = recording()
    const live = record('c1', chunkSize + 10)
    batcher.schedule(live)
    await batcher.flush()
    // History off: an ack marks an early message delivered, and nothing is written.
    live.messages[3]!.status = 'delivered'
    batcher.rewriteAll() // history on again
    live.messages.push(message(chunkSize + 10))
    batcher.schedule(live)
    await batcher.flush()
    expect(keysOf(writes.at(-1)!)).toEqual(['c1', ['c1', 0], ['c1', 1]])
    expect(reassemble(writes, 'c1')?.messages[3]!.status).toBe('delivered')
  })
})

describe('history records', () => {
  it('parses stored values defensively: whole records of the first version, heads, junk', () => {
    expect(parseRecord({ chatId: 1 })).toBeNull()
    expect(parseSummary({ chatId: 'c1' })).toBeNull()
    expect(parseSummary('junk')).toBeNull()
    const legacy = { ...record('c1', 2), messages: [...record('c1', 2).messages, { bogus: true }] }
    expect(parseRecord(legacy)?.messages).toHaveLength(2)
    expect(parseSummary(legacy)).toMatchObject({ chatId: 'c1', messageCount: 2, lastText: 'message 1' })
    const head = entriesFor(record('c2', 3), 0)[0]![1]
    expect(parseRecord(head)).toBeNull() // a head is not a whole record
    expect(parseSummary(head)).toEqual(summaryOf(record('c2', 3)))
    expect(parseMessages([message(0), null, { ...message(1), status: 'read' }, 'x'])).toEqual([message(0)])
  })

  it('reads back a chat holding one message twice (saved before ids were checked) with each once', () => {
    const mine = { ...message(0), id: 'shared-abcdef' }
    const forged = { ...message(1), id: 'shared-abcdef' } // the partner reused our id: kept, it is theirs
    const replayed = { ...message(3), id: 'twice-abcdef' }
    const saved = [mine, forged, replayed, { ...replayed, text: 'again' }]
    const expected = [mine, forged, replayed]
    expect(parseRecord({ ...record('c1'), messages: saved })?.messages).toEqual(expected)
    const head = entriesFor(record('c1', 4), 0)[0]![1] as ChatSummary
    expect(recordOf(head, [saved.slice(0, 3), saved.slice(3)]).messages).toEqual(expected)
  })
})
