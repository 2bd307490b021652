// The end of a chat: the failure screen offers the switch its text talks about.
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
