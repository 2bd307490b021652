import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTypingSender } from '../../app/src/lib/typing.ts'
import { startHeartbeat } from '../../app/src/lib/heartbeat.ts'
import { createBatcher, exportText, parseRecord, type ChatRecord } from '../../app/src/lib/history.ts'
import { hasLink, segments } from '../../app/src/lib/links.ts'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('typing signals', () => {
  it('sends at most one `on` per 2 s while typing, and `off` after 3 s idle', () => {
    const sent: boolean[] = []
    const typing = createTypingSender(
      (on) => sent.push(on),
      () => Date.now(),
    )
    typing.input('h')
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(150)
      typing.input('hello'.slice(0, (i % 5) + 1))
    }
    expect(sent).toEqual([true])
    vi.advanceTimersByTime(600)
    typing.input('hello!')
    expect(sent).toEqual([true, true])
    vi.advanceTimersByTime(2999)
    expect(sent).toEqual([true, true])
    vi.advanceTimersByTime(1)
    expect(sent).toEqual([true, true, false])
  })

  it('sends `off` on send and when the text is cleared, once', () => {
    const sent: boolean[] = []
    const typing = createTypingSender((on) => sent.push(on))
    typing.input('x')
    typing.stop()
    typing.stop()
    typing.input('y')
    typing.input('')
    vi.advanceTimersByTime(5000)
    expect(sent).toEqual([true, false, true, false])
  })
})

describe('heartbeat', () => {
  it('pings every 2 s and declares the partner lost after 6 s of silence, not before', () => {
    let pings = 0
    let lost = 0
    const beat = startHeartbeat(
      () => pings++,
      () => lost++,
    )
    vi.advanceTimersByTime(4000)
    beat.heard()
    vi.advanceTimersByTime(5500)
    expect(lost).toBe(0)
    vi.advanceTimersByTime(500)
    expect(lost).toBe(1)
    expect(pings).toBeGreaterThanOrEqual(4)
    vi.advanceTimersByTime(10_000)
    expect(lost).toBe(1)
    beat.stop()
  })
})

const record = (chatId: string, texts: string[] = []): ChatRecord => ({
  chatId,
  myName: 'Calm Otter',
  partnerName: 'Bold Lynx',
  startedAt: 1_700_000_000_000,
  endedAt: null,
  messages: texts.map((text, i) => ({
    id: `id-${i}-abcdef`,
    from: 'me',
    text,
    at: 1_700_000_000_000 + i,
    status: 'sending',
  })),
})

describe('history batching', () => {
  it('coalesces a burst of changes into one write with the latest state', async () => {
    const writes: ChatRecord[][] = []
    const batcher = createBatcher(
      async (records) => void writes.push(records),
      () => {},
      400,
    )
    const live = record('c1')
    for (let i = 0; i < 50; i++) {
      live.messages.push({ id: `m${i}-abcdefgh`, from: 'them', text: `${i}`, at: i, status: 'received' })
      batcher.schedule(live)
    }
    batcher.schedule(record('c2', ['x']))
    expect(writes).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(400)
    expect(writes).toHaveLength(1)
    expect(writes[0]!.map((r) => r.chatId)).toEqual(['c1', 'c2'])
    expect(writes[0]![0]!.messages).toHaveLength(50)
  })

  it('writes a snapshot: later edits wait for the next batch', async () => {
    const writes: ChatRecord[][] = []
    const batcher = createBatcher(
      async (records) => void writes.push(records),
      () => {},
    )
    const live = record('c1', ['a'])
    batcher.schedule(live)
    const flushed = batcher.flush()
    live.messages[0]!.status = 'delivered'
    await flushed
    expect(writes[0]![0]!.messages[0]!.status).toBe('sending')
    expect(batcher.pending).toBe(0)
  })

  it('reports write errors and keeps going', async () => {
    const errors: unknown[] = []
    let fail = true
    const writes: string[] = []
    const batcher = createBatcher(
      async (records) => {
        if (fail) throw new Error('QuotaExceededError')
        writes.push(...records.map((r) => r.chatId))
      },
      (error) => errors.push(error),
    )
    batcher.schedule(record('c1'))
    await batcher.flush()
    fail = false
    batcher.schedule(record('c2'))
    await batcher.flush()
    expect(errors).toHaveLength(1)
    expect(writes).toEqual(['c2'])
  })

  it('parses stored records defensively and exports plain text', () => {
    expect(parseRecord({ chatId: 1 })).toBeNull()
    const parsed = parseRecord({
      ...record('c1', ['hi']),
      messages: [...record('c1', ['hi']).messages, { bogus: true }],
    })
    expect(parsed?.messages).toHaveLength(1)
    expect(exportText(parsed!)).toContain('Calm Otter: hi')
  })
})

describe('links', () => {
  it('links https URLs only, without trailing punctuation', () => {
    expect(segments('see https://a.example/x?y=1. and http://b.example or javascript:alert(1)')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://a.example/x?y=1', href: 'https://a.example/x?y=1' },
      { kind: 'text', text: '. and http://b.example or javascript:alert(1)' },
    ])
    expect(segments('<b>plain</b>')).toEqual([{ kind: 'text', text: '<b>plain</b>' }])
  })

  it('sends only text that may hold a link through the parser (every https link is seen)', () => {
    for (const text of ['go to https://a.example', 'HTTPS://A.EXAMPLE', 'http://b.example', 'plain'])
      expect(hasLink(text)).toBe(segments(text).some((part) => part.kind === 'link'))
  })
})
