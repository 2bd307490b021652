// The end of a chat as the keyboard meets it: someone typing keeps their draft and their focus, nobody is
// handed to "New chat" by a keystroke; the failure screen offers the switch its text talks about.
import { flushSync } from 'svelte'
import { afterEach, describe, expect, it } from 'vitest'
import Chat from '../../app/src/components/Chat.svelte'
import { FakeSession } from '../support/fake-session.svelte.ts'
import { byTestId, cleanup, render } from '../support/render.ts'

afterEach(cleanup)

function chatting() {
  const session = new FakeSession()
  session.chatting()
  const view = render(Chat, { session: session.asSession() })
  const input = byTestId(view, 'message-input') as HTMLTextAreaElement
  return { session, view, input }
}

function type(input: HTMLTextAreaElement, text: string): void {
  input.focus()
  input.value = text
  input.dispatchEvent(new Event('input', { bubbles: true }))
  flushSync()
}

describe('the partner leaves while I am typing', () => {
  it('keeps my draft, read-only, and my focus in it; New chat does not take the keyboard', () => {
    const { session, view, input } = chatting()
    type(input, 'half a thou')
    session.ended('left')
    flushSync()
    const draft = byTestId(view, 'message-input') as HTMLTextAreaElement
    expect(draft).not.toBeNull()
    expect(draft.value).toBe('half a thou')
    expect(draft.readOnly).toBe(true)
    expect(document.activeElement).toBe(draft)
    expect(document.activeElement).not.toBe(byTestId(view, 'start'))
    // Enter in the draft starts nothing (the session refuses the send: the chat is over).
    draft.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
    flushSync()
    expect(session.calls).not.toContain('start')
    expect(session.state).toBe('ended')
    expect(draft.value).toBe('half a thou')
  })

  it('moves focus to New chat when it had nowhere to go (End was pressed)', () => {
    const { session, view } = chatting()
    const end = byTestId(view, 'end')!
    end.focus()
    end.click()
    flushSync()
    expect(session.state).toBe('ended')
    expect(document.activeElement).toBe(byTestId(view, 'start'))
  })

  it('leaves focus alone that is elsewhere on the page', () => {
    const { session, view } = chatting()
    const elsewhere = document.createElement('button')
    document.body.append(elsewhere)
    elsewhere.focus()
    session.ended('skipped')
    flushSync()
    expect(document.activeElement).toBe(elsewhere)
    expect(byTestId(view, 'start')).not.toBeNull()
    elsewhere.remove()
  })
})

describe('a failed connection', () => {
  it('offers "Hide my IP address" on the ended screen, enabled for the next chat', () => {
    const session = new FakeSession()
    session.hideIp = false
    session.state = 'connecting'
    session.chatView = true
    const view = render(Chat, { session: session.asSession() })
    expect(byTestId(view, 'hide-ip')).toBeNull()
    session.ended('failed')
    flushSync()
    const toggle = byTestId(view, 'hide-ip') as HTMLInputElement
    expect(toggle).not.toBeNull()
    expect(toggle.disabled).toBe(false)
    toggle.click()
    flushSync()
    expect(session.hideIp).toBe(true)
  })

  it('does not offer it when the chat simply ended', () => {
    const { session, view } = chatting()
    session.ended('left')
    flushSync()
    expect(byTestId(view, 'hide-ip')).toBeNull()
  })
})
