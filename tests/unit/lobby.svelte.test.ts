// The lobby as screen readers and the keyboard meet it: Start and Cancel hand focus to each other, and the IP
// switch can be set until a match reads it.
import { flushSync } from 'svelte'
import { afterEach, describe, expect, it } from 'vitest'
import Lobby from '../../app/src/components/Lobby.svelte'
import { FakeSession } from '../support/fake-session.svelte.ts'
import { byTestId, cleanup, liveRegions, render } from '../support/render.ts'

afterEach(cleanup)

describe('Lobby focus', () => {
  it('takes no focus on page load', () => {
    render(Lobby, { session: new FakeSession().asSession() })
    expect(document.activeElement).toBe(document.body)
  })

  it('moves focus from Start to Cancel, and back after a cancel', () => {
    const session = new FakeSession()
    const view = render(Lobby, { session: session.asSession() })
    const start = byTestId(view, 'start')!
    start.focus()
    start.click()
    flushSync()
    expect(session.state).toBe('searching')
    expect(document.activeElement).toBe(byTestId(view, 'cancel'))
    byTestId(view, 'cancel')!.click()
    flushSync()
    expect(session.state).toBe('idle')
    expect(document.activeElement).toBe(byTestId(view, 'start'))
  })

  it('gives Cancel the focus when it opens searching after the chat view went (New chat, Skip)', () => {
    const session = new FakeSession()
    session.state = 'searching'
    const view = render(Lobby, { session: session.asSession() })
    expect(document.activeElement).toBe(byTestId(view, 'cancel'))
  })
})

describe('Hide my IP address in the lobby', () => {
  it('can be changed while searching (it applies to the next match), not once matched', () => {
    const session = new FakeSession()
    const view = render(Lobby, { session: session.asSession() })
    const toggle = () => byTestId(view, 'hide-ip') as HTMLInputElement
    session.start()
    flushSync()
    expect(toggle().disabled).toBe(false)
    toggle().click()
    flushSync()
    expect(session.hideIp).toBe(false)
    session.partnerName = 'Bold Lynx'
    session.state = 'connecting'
    flushSync()
    expect(toggle().disabled).toBe(true)
  })
})

describe('Lobby announcements', () => {
  it('leaves "Matched with…" to the app-wide region: the lobby has no live region of its own', () => {
    const session = new FakeSession()
    const view = render(Lobby, { session: session.asSession() })
    session.start()
    session.partnerName = 'Bold Lynx'
    session.state = 'connecting'
    flushSync()
    expect(view.textContent).toContain('Matched with Bold Lynx')
    expect(liveRegions(view)).toEqual([])
  })
})
