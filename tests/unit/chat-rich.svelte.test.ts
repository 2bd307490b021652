import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ChatMessages } from '../../app/src/lib/chat/messages.svelte.ts'
import type { Frame } from '../../app/src/lib/link/frames.ts'
import type { ChatRecord } from '../../app/src/lib/history/record.ts'
import { editWindowMs } from '../../app/src/lib/chat/message-rules.ts'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

function chat(options: { sign?: boolean } = {}) {
  const sent: Frame[] = []
  const saved: ChatRecord[] = []
  const unsent: string[] = []
  const messages = new ChatMessages(
    { chatId: 'c1', myName: 'Calm Otter', partnerName: 'Bold Lynx', startedAt: 0, endedAt: null },
    {
      send: (frame) => (sent.push(frame), true),
      canSend: () => true,
      forged: () => {},
      save: (record) => saved.push(structuredClone(record)),
      flush: async () => {},
      flooded: () => {},
      unsent: (id) => void unsent.push(id),
      ...(options.sign && {
        sign: async (m: { id: string; text: string; sentAt: number }) => `sig:${m.text}:${m.sentAt}`,
      }),
    },
  )
  return { messages, sent, saved, unsent, lastSaved: () => saved.at(-1)!.messages }
}

const frameOf = <T extends Frame['t']>(sent: Frame[], t: T) =>
  sent.filter((f): f is Extract<Frame, { t: T }> => f.t === t)

describe('replies', () => {
  it('carries the id of a message in the chat, and drops one it does not know', async () => {
    const { messages, sent } = chat()
    messages.receive({ t: 'msg', id: 'them-00001', text: 'question?', sentAt: 1 })
    messages.send('answer', 'them-00001')
    messages.send('stray', 'nowhere-0001')
    const [answer, stray] = frameOf(sent, 'msg')
    expect(answer).toMatchObject({ text: 'answer', replyTo: 'them-00001' })
    expect(stray).not.toHaveProperty('replyTo')
    messages.receive({ t: 'msg', id: 'them-00002', text: 'to nothing', sentAt: 2, replyTo: 'unknown-0001' })
    expect(messages.list.at(-1)).not.toHaveProperty('replyTo')
    messages.receive({ t: 'msg', id: 'them-00003', text: 'to yours', sentAt: 3, replyTo: answer!.id })
    expect(messages.list.at(-1)?.replyTo).toBe(answer!.id)
  })
})

describe('reactions', () => {
  it('sends ours, shows theirs, and saves both', () => {
    const { messages, sent, lastSaved } = chat()
    messages.send('hello')
    const id = messages.list[0]!.id
    expect(messages.changes.react(id, '👍')).toBe(true)
    expect(frameOf(sent, 'react')).toEqual([{ t: 'react', id, emoji: '👍' }])
    messages.receive({ t: 'react', id, emoji: '😂' })
    expect(messages.list[0]!.reactions).toEqual({ me: '👍', them: '😂' })
    expect(lastSaved()[0]!.reactions).toEqual({ me: '👍', them: '😂' })
    messages.receive({ t: 'react', id, emoji: null })
    expect(messages.list[0]!.reactions).toEqual({ me: '👍' })
    expect(messages.changes.react('unknown-0001', '👍')).toBe(false)
  })
})

describe('edits', () => {
  it('signs our edit like a message (its time: when edited), after what was queued before it', async () => {
    const { messages, sent } = chat({ sign: true })
    messages.send('teh')
    await vi.advanceTimersByTimeAsync(0)
    const id = messages.list[0]!.id
    vi.advanceTimersByTime(1_000)
    expect(messages.changes.edit(id, 'the')).toBe(true)
    expect(messages.list[0]).toMatchObject({ text: 'the', editedAt: Date.now() })
    await vi.advanceTimersByTimeAsync(0)
    expect(frameOf(sent, 'edit')).toEqual([
      { t: 'edit', id, text: 'the', editedAt: Date.now(), sig: `sig:the:${Date.now()}` },
    ])
  })

  it('refuses ours after 15 minutes, and the partner’s of our messages or after their window', async () => {
    const { messages, sent } = chat()
    messages.send('mine')
    const mine = messages.list[0]!.id
    messages.receive({ t: 'msg', id: 'them-00001', text: 'theirs', sentAt: 1 })
    vi.advanceTimersByTime(editWindowMs + 1)
    expect(messages.changes.edit(mine, 'too late')).toBe(false)
    expect(frameOf(sent, 'edit')).toEqual([])
    messages.receive({ t: 'edit', id: mine, text: 'pay me', editedAt: Date.now() })
    expect(messages.list[0]!.text).toBe('mine')
    vi.advanceTimersByTime(60_000)
    messages.receive({ t: 'edit', id: 'them-00001', text: 'changed long after', editedAt: Date.now() })
    expect(messages.list[1]!.text).toBe('theirs')
  })

  it('shows the partner’s edit of their own message, and keeps its signature as the proof', async () => {
    const verify = vi.fn(async () => true)
    const checked = new ChatMessages(
      { chatId: 'c1', myName: 'A', partnerName: 'B', startedAt: 0, endedAt: null },
      {
        send: () => true,
        canSend: () => true,
        forged: () => {},
        save: () => {},
        flush: async () => {},
        flooded: () => {},
        verify,
      },
    )
    const sig = `${'B'.repeat(86)}==`
    checked.receive({ t: 'msg', id: 'them-00001', text: 'helo', sentAt: 1, sig })
    await vi.advanceTimersByTimeAsync(0)
    checked.receive({ t: 'edit', id: 'them-00001', text: 'hello', editedAt: 9, sig })
    await vi.advanceTimersByTimeAsync(0)
    expect(verify).toHaveBeenLastCalledWith({ t: 'msg', id: 'them-00001', text: 'hello', sentAt: 9, sig })
    expect(checked.list[0]).toMatchObject({ text: 'hello', editedAt: 9, proof: { sentAt: 9, sig } })
  })
})

describe('unsend', () => {
  it('takes our message back on both sides and never sends it again', () => {
    const { messages, sent, unsent, lastSaved } = chat()
    messages.send('oops')
    const id = messages.list[0]!.id
    expect(messages.changes.unsend(id)).toBe(true)
    expect(messages.list[0]).toMatchObject({ text: '', deleted: true })
    expect(lastSaved()[0]!.text).toBe('')
    expect(unsent).toEqual([id])
    sent.length = 0
    messages.resend(0)
    expect(frameOf(sent, 'msg')).toEqual([])
  })

  it('lets the partner unsend only their own messages', () => {
    const { messages } = chat()
    messages.send('mine')
    messages.receive({ t: 'msg', id: 'them-00001', text: 'theirs', sentAt: 1 })
    messages.receive({ t: 'unsend', id: messages.list[0]!.id })
    messages.receive({ t: 'unsend', id: 'them-00001' })
    expect(messages.list.map((m) => [m.text, m.deleted ?? false])).toEqual([
      ['mine', false],
      ['', true],
    ])
  })

  it('sends our latest changes again after a path change, each once', () => {
    const { messages, sent } = chat()
    messages.send('a')
    const id = messages.list[0]!.id
    messages.changes.react(id, '👍')
    messages.changes.react(id, '❤️')
    messages.changes.edit(id, 'b')
    sent.length = 0
    messages.changes.resend()
    expect(sent).toEqual([
      { t: 'react', id, emoji: '❤️' },
      { t: 'edit', id, text: 'b', editedAt: expect.any(Number) },
    ])
  })
})
