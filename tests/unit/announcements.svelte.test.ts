// What screen readers are told, read from the DOM: each thing once, in one region, repeats included; not our own
// messages, not a tick turning "delivered", not every start of the partner's typing.
import { flushSync } from 'svelte'
import { afterEach, describe, expect, it, vi } from 'vitest'
import Chat from '../../app/src/components/Chat.svelte'
import MessageAnnouncer from '../../app/src/components/MessageAnnouncer.svelte'
import MessageList from '../../app/src/components/MessageList.svelte'
import type { StoredMessage } from '../../app/src/lib/history/record.ts'
import { NoticeBoard } from '../../app/src/lib/notices.svelte.ts'
import { FakeSession, message } from '../support/fake-session.svelte.ts'
import { byTestId, cleanup, liveRegions, render } from '../support/render.ts'

afterEach(cleanup)

const spoken = (region: HTMLElement) => [...region.children].map((line) => line.textContent)

describe('the message list', () => {
  it('is a log that is not live, with the tick glyph hidden from screen readers', () => {
    const mine = message('me', 'hello', 'delivered')
    const view = render(MessageList, { messages: [mine, message('them', 'hi')], partnerName: 'Bold Lynx' })
    const log = view.querySelector('[role="log"]')!
    expect(log.getAttribute('aria-live')).toBe('off')
    expect(liveRegions(view)).toEqual([])
    const tick = view.querySelector('.tick')!
    expect(tick.querySelector('[aria-hidden="true"]')?.textContent).toBe('✓✓')
  })
})

describe('MessageAnnouncer', () => {
  function announcer() {
    const props = $state({ messages: [] as StoredMessage[], partnerName: 'Bold Lynx' })
    const view = render(MessageAnnouncer, props)
    const region = byTestId(view, 'message-announcer')!
    const add = (...more: StoredMessage[]) => {
      props.messages = [...props.messages, ...more]
      flushSync()
    }
    return { props, region, add }
  }

  it('says the partner’s reaction, edit and deletion, and drops the spoken line of what they unsent', () => {
    const { props, region, add } = announcer()
    const mine = message('me', 'my words', 'delivered')
    const theirs = message('them', 'teh words')
    add(mine, theirs)
    const change = (id: string, patch: Partial<StoredMessage>) => {
      props.messages = props.messages.map((m) => (m.id === id ? { ...m, ...patch } : m))
      flushSync()
    }
    change(mine.id, { reactions: { them: '❤️' } })
    change(theirs.id, { text: 'the words', editedAt: 5 })
    expect(spoken(region)).toEqual([
      'Bold Lynx: teh words',
      'Bold Lynx reacted ❤️ to a message.',
      'Bold Lynx edited a message: the words',
    ])
    change(mine.id, { reactions: { me: '👍', them: '❤️' } }) // our own reaction: nothing said
    change(theirs.id, { text: '', deleted: true })
    // The lines that held the unsent text go: the message itself, and its edit.
    expect(spoken(region)).toEqual(['Bold Lynx reacted ❤️ to a message.', 'Bold Lynx deleted a message.'])
    expect(region.textContent).not.toContain('words')
  })

  it('is one polite region that speaks additions only', () => {
    const { region } = announcer()
    expect(region.getAttribute('aria-live')).toBe('polite')
    expect(region.getAttribute('aria-relevant')).toBe('additions')
  })

  it('speaks the partner’s messages once each, never ours, and not when a tick changes', () => {
    const { props, region, add } = announcer()
    const mine = message('me', 'my own words', 'sending')
    add(mine)
    expect(spoken(region)).toEqual([])
    add(message('them', 'hi there'))
    expect(spoken(region)).toEqual(['Bold Lynx: hi there'])
    const line = region.firstElementChild
    // Our message is acked: its tick changes, nothing new is said and the spoken line is not rebuilt.
    props.messages = props.messages.map((m) => (m.id === mine.id ? { ...m, status: 'delivered' as const } : m))
    flushSync()
    expect(spoken(region)).toEqual(['Bold Lynx: hi there'])
    expect(region.firstElementChild).toBe(line)
  })

  it('speaks the same text again as a new line (an addition), keeping only the last few', () => {
    const { region, add } = announcer()
    add(message('them', 'ok'))
    const first = region.firstElementChild
    add(message('them', 'ok'))
    expect(spoken(region)).toEqual(['Bold Lynx: ok', 'Bold Lynx: ok'])
    expect(region.lastElementChild).not.toBe(first)
    add(message('them', 'a'), message('them', 'b'), message('them', 'c'))
    expect(spoken(region)).toEqual(['Bold Lynx: a', 'Bold Lynx: b', 'Bold Lynx: c'])
  })

  it('reads out a person’s pace one by one, and sums up a flood in one line a moment later', () => {
    vi.useFakeTimers()
    try {
      const { region, add } = announcer()
      add(...Array.from({ length: 6 }, (_, i) => message('them', `m${i}`)))
      expect(spoken(region).at(-1)).toBe('Bold Lynx: m5')
      add(...Array.from({ length: 194 }, (_, i) => message('them', `flood ${i}`)))
      expect(spoken(region).at(-1)).toBe('Bold Lynx: m5') // nothing queued for minutes of speech
      vi.advanceTimersByTime(1_500)
      flushSync()
      expect(spoken(region).at(-1)).toBe('Bold Lynx sent 194 more messages, too fast to read out.')
      vi.advanceTimersByTime(5_000) // the pace is back: one by one again
      add(message('them', 'calm again'))
      expect(spoken(region).at(-1)).toBe('Bold Lynx: calm again')
    } finally {
      vi.useRealTimers()
    }
  })

  it('starts over with a new chat (a shorter list)', () => {
    const { props, region, add } = announcer()
    add(message('them', 'one'), message('them', 'two'))
    props.messages = []
    flushSync()
    add(message('them', 'new chat'))
    expect(spoken(region).at(-1)).toBe('Bold Lynx: new chat')
  })
})

describe('the chat view', () => {
  it('shows the partner typing without a live region, and has no other live region than the Esc hint', () => {
    const session = new FakeSession()
    session.state = 'connecting'
    session.partnerName = 'Bold Lynx'
    session.chatView = true
    const view = render(Chat, { session: session.asSession() })
    expect(view.textContent).toContain('Securing connection…')
    expect(liveRegions(view)).toHaveLength(1)
    session.chatting()
    session.partnerTyping = true
    flushSync()
    const typing = byTestId(view, 'typing')!
    expect(typing.textContent).toBe('Bold Lynx is typing…')
    expect(typing.closest('[aria-live]:not([aria-live="off"]), [role="status"]')).toBeNull()
    const regions = liveRegions(view)
    expect(regions).toHaveLength(1)
    expect(regions[0]!.textContent).toBe('')
  })
})

describe('the app-wide announcement', () => {
  it('changes even when the same thing is said twice, so it is spoken twice', () => {
    const board = new NoticeBoard()
    const heard: string[] = []
    const stop = $effect.root(() => {
      $effect(() => void heard.push(board.announcement))
    })
    flushSync()
    board.say('Skipped. Searching for the next stranger…')
    flushSync()
    board.say('Skipped. Searching for the next stranger…')
    flushSync()
    stop()
    expect(heard).toHaveLength(3)
    expect(heard[1]).not.toBe(heard[2])
    expect(heard.slice(1).map((text) => text.trim())).toEqual([
      'Skipped. Searching for the next stranger…',
      'Skipped. Searching for the next stranger…',
    ])
  })
})
