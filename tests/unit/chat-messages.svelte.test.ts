import { flushSync } from 'svelte'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ChatMessages, partnerFrameLimit } from '../../app/src/lib/chat/messages.svelte.ts'
import type { Frame } from '../../app/src/lib/link/frames.ts'
import type { ChatRecord } from '../../app/src/lib/history/record.ts'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

function chat(options: { channelUp?: boolean } = {}) {
  const sent: Frame[] = []
  const saved: { record: ChatRecord; changedFrom?: number }[] = []
  let flushes = 0
  let floods = 0
  const messages = new ChatMessages(
    { chatId: 'c1', myName: 'Calm Otter', partnerName: 'Bold Lynx', startedAt: 0, endedAt: null },
    {
      send: (frame) => (options.channelUp === false ? false : (sent.push(frame), true)),
      canSend: () => options.channelUp !== false,
      forged: () => {},
      save: (record, changedFrom) => saved.push({ record, changedFrom }),
      flush: async () => void flushes++,
      flooded: () => void floods++,
    },
  )
  return { messages, sent, saved, flushes: () => flushes, floods: () => floods }
}

describe('ChatMessages', () => {
  it('sends a message, shows it as sending, then delivered on its ack, saving from its index', () => {
    const { messages, sent, saved } = chat()
    expect(messages.send('hello')).toBe(true)
    const msg = sent[0]
    expect(msg).toMatchObject({ t: 'msg', text: 'hello' })
    expect(messages.list.map((m) => [m.text, m.status])).toEqual([['hello', 'sending']])
    messages.receive({ t: 'ack', id: (msg as { id: string }).id })
    expect(messages.list[0]!.status).toBe('delivered')
    expect(saved.at(-1)?.changedFrom).toBe(0)
    messages.receive({ t: 'ack', id: (msg as { id: string }).id }) // a second ack changes nothing
    expect(saved).toHaveLength(2)
  })

  it('sends again, in order and unchanged, what the partner has not acknowledged (a path went away)', () => {
    const { messages, sent } = chat()
    for (const text of ['one', 'two', 'three']) messages.send(text)
    const [one, two, three] = sent.slice()
    messages.receive({ t: 'ack', id: (two as { id: string }).id })
    sent.length = 0
    messages.resend(0)
    expect(sent).toEqual([one, three])
  })

  it('sends again only what has waited at least as long as asked', () => {
    const { messages, sent } = chat()
    messages.send('old')
    vi.advanceTimersByTime(4_000)
    messages.send('new')
    const [old] = sent.slice()
    sent.length = 0
    messages.resend(4_000)
    expect(sent).toEqual([old])
    messages.resend(4_000) // just sent again: it waits anew
    expect(sent).toEqual([old])
  })

  it('acks again a partner message sent again as it was, shown once; not one reusing its id with other text', async () => {
    const { messages, sent } = chat()
    messages.receive({ t: 'msg', id: 'them-0001', text: 'hi', sentAt: 1 })
    await vi.advanceTimersByTimeAsync(0)
    messages.receive({ t: 'msg', id: 'them-0001', text: 'hi', sentAt: 1 }) // its first ack was lost
    messages.receive({ t: 'msg', id: 'them-0001', text: 'pay me', sentAt: 1 }) // same id, other text
    expect(messages.list.map((m) => m.text)).toEqual(['hi'])
    expect(sent).toEqual([
      { t: 'ack', id: 'them-0001' },
      { t: 'ack', id: 'them-0001' },
    ])
  })

  it('keeps the text when the channel cannot take it (nothing shown, nothing saved)', () => {
    const { messages, saved } = chat({ channelUp: false })
    expect(messages.send('not yet')).toBe(false)
    expect(messages.list).toEqual([])
    expect(saved).toEqual([])
  })

  it('shows a partner message once, acks it after the render, and clears their typing', async () => {
    const { messages, sent } = chat()
    messages.receive({ t: 'typing', on: true })
    expect(messages.partnerTyping).toBe(true)
    messages.receive({ t: 'msg', id: 'them-0001', text: 'hi', sentAt: 1 })
    messages.receive({ t: 'msg', id: 'them-0001', text: 'hi again', sentAt: 2 }) // replayed id
    expect(messages.list.map((m) => m.text)).toEqual(['hi'])
    expect(messages.partnerTyping).toBe(false)
    expect(sent).toEqual([]) // not before the list has updated
    await vi.advanceTimersByTimeAsync(0)
    expect(sent).toEqual([{ t: 'ack', id: 'them-0001' }]) // the replay was not shown: not acked
  })

  it('does not show a partner message that reuses the id of one of ours', () => {
    const { messages, sent } = chat()
    messages.send('hello')
    const id = (sent.find((f) => f.t === 'msg') as { id: string }).id
    messages.receive({ t: 'msg', id, text: 'I agree to send the money', sentAt: 2 })
    expect(messages.list.map((m) => [m.from, m.text])).toEqual([['me', 'hello']])
  })

  it('lets a typing signal expire when it is not renewed', () => {
    const { messages } = chat()
    messages.receive({ t: 'typing', on: true })
    vi.advanceTimersByTime(5_999)
    expect(messages.partnerTyping).toBe(true)
    vi.advanceTimersByTime(1)
    expect(messages.partnerTyping).toBe(false)
  })

  it('sends typing on while typing and off on send', () => {
    const { messages, sent } = chat()
    messages.typed('he')
    messages.send('hello')
    expect(sent.map((f) => (f.t === 'typing' ? `typing:${f.on}` : f.t))).toEqual(['typing:true', 'msg', 'typing:false'])
  })

  it('on close: nothing more goes out but the ack of what was shown, typing stops, the list stays, the end time is saved', async () => {
    const { messages, sent, saved, flushes } = chat()
    messages.secured(1_000)
    messages.receive({ t: 'typing', on: true })
    messages.typed('draft')
    messages.receive({ t: 'msg', id: 'them-0002', text: 'bye', sentAt: 1 })
    const before = sent.length
    messages.close(5_000)
    await vi.advanceTimersByTimeAsync(10_000) // the pending ack and the typing idle timer
    // "bye" was on screen before the end: its ack still goes (the closing link carries it); no typing off.
    expect(sent.slice(before)).toEqual([{ t: 'ack', id: 'them-0002' }])
    expect(messages.send('too late')).toBe(false)
    expect(messages.partnerTyping).toBe(false)
    expect(messages.list.map((m) => m.text)).toEqual(['bye'])
    expect(saved.at(-1)).toMatchObject({ changedFrom: 1, record: { startedAt: 1_000, endedAt: 5_000 } })
    expect(flushes()).toBe(1)
  })

  it('after close, still takes the ack of a message sent just before leaving, and saves it', () => {
    const { messages, sent, saved } = chat()
    messages.secured(1_000)
    messages.send('bye!')
    const id = (sent[0] as { id: string }).id
    messages.close(2_000)
    messages.receive({ t: 'typing', on: true })
    messages.receive({ t: 'ack', id })
    expect(messages.list.map((m) => [m.text, m.status])).toEqual([['bye!', 'delivered']])
    expect(messages.partnerTyping).toBe(false)
    expect(saved.at(-1)).toMatchObject({ changedFrom: 0, record: { endedAt: 2_000 } })
  })

  it('after close, still shows and acks a message that was on its way (the server’s end overtook it)', async () => {
    const { messages, sent, saved } = chat()
    messages.secured(1_000)
    messages.receive({ t: 'msg', id: 'them-0001', text: 'hi', sentAt: 1 })
    messages.close(2_000)
    messages.receive({ t: 'msg', id: 'them-0002', text: 'bye!', sentAt: 2 })
    expect(messages.list.map((m) => m.text)).toEqual(['hi', 'bye!'])
    await vi.advanceTimersByTimeAsync(0)
    expect(sent.filter((f) => f.t === 'ack').map((f) => (f as { id: string }).id)).toEqual(['them-0001', 'them-0002'])
    expect(saved.at(-1)?.record.messages.map((m) => m.text)).toEqual(['hi', 'bye!'])
    expect(messages.send('too late')).toBe(false)
  })

  it('sends and shows text tidied: trimmed, no wall of blank lines; whitespace alone is nothing', async () => {
    const { messages, sent } = chat()
    expect(messages.send('  \n\n')).toBe(false)
    expect(messages.send('  hi\r\n\n\n\n  \nthere  ')).toBe(true)
    expect(sent[0]).toMatchObject({ t: 'msg', text: 'hi\n\nthere' })
    messages.receive({ t: 'msg', id: 'them-0001', text: `x${'\n'.repeat(499)}y`, sentAt: 1 })
    messages.receive({ t: 'msg', id: 'them-0002', text: ' \n ', sentAt: 1 })
    expect(messages.list.map((m) => m.text)).toEqual(['hi\n\nthere', 'x\n\ny'])
    await vi.advanceTimersByTimeAsync(0)
    // "Delivered" means shown: the whitespace-only message, never shown, is not acked.
    expect(sent.filter((f) => f.t === 'ack')).toEqual([{ t: 'ack', id: 'them-0001' }])
  })

  it('does not save an empty chat on close', () => {
    const { messages, saved, flushes } = chat()
    messages.close()
    expect(saved).toEqual([])
    expect(flushes()).toBe(0)
  })

  it('is reactive: the view re-renders on a new message, an ack and typing', () => {
    const { messages, sent } = chat()
    const seen: string[] = []
    const stop = $effect.root(() => {
      $effect(() => {
        seen.push(`${messages.list.map((m) => `${m.text}:${m.status}`).join(',')}|${messages.partnerTyping}`)
      })
    })
    flushSync()
    messages.receive({ t: 'typing', on: true })
    flushSync()
    messages.send('hi')
    flushSync()
    messages.receive({ t: 'ack', id: (sent.find((f) => f.t === 'msg') as { id: string }).id })
    flushSync()
    stop()
    expect(seen).toEqual(['|false', '|true', 'hi:sending|true', 'hi:delivered|true'])
  })

  it('shows a flooding partner’s messages only up to a human rate, unacked, and says so once', async () => {
    const { messages, sent, floods } = chat()
    const burst = partnerFrameLimit.burst
    for (let i = 0; i < burst + 20; i++)
      messages.receive({ t: 'msg', id: `flood-${String(i).padStart(4, '0')}`, text: `${i}`, sentAt: i })
    expect(messages.list).toHaveLength(burst)
    expect(floods()).toBe(1)
    await vi.advanceTimersByTimeAsync(0)
    expect(sent.filter((f) => f.t === 'ack')).toHaveLength(burst) // the dropped ones stay "sending" for them
    // A second later, a person's pace gets through again.
    vi.advanceTimersByTime(1000)
    messages.receive({ t: 'msg', id: 'later-0001', text: 'calm now', sentAt: 1 })
    expect(messages.list.at(-1)?.text).toBe('calm now')
    expect(floods()).toBe(1)
  })
})
