// The lobby as screen readers and the keyboard meet it: Start and Cancel hand focus to each other, and the IP
// switch can be set until a match reads it.
import { flushSync } from 'svelte'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import Lobby from '../../app/src/components/Lobby.svelte'
import { FakeSession } from '../support/fake-session.svelte.ts'
import { byTestId, cleanup, liveRegions, render } from '../support/render.ts'

// The rules were accepted on an earlier visit; the gate's own test below starts without.
beforeEach(() => localStorage.setItem('hush.rulesAccepted', '1'))
afterEach(() => {
  cleanup()
  localStorage.clear()
})

describe('the rules gate', () => {
  it('holds Start until the rules are accepted, once for this browser', () => {
    localStorage.clear()
    const view = render(Lobby, { session: new FakeSession().asSession() })
    const start = () => byTestId(view, 'start') as HTMLButtonElement
    expect(view.textContent).toMatch(/18 or older/)
    expect(start().disabled).toBe(true)
    byTestId(view, 'rules-accept')!.click()
    flushSync()
    expect(start().disabled).toBe(false)
    expect(byTestId(view, 'rules-accept')).toBeNull()
    cleanup()
    const again = render(Lobby, { session: new FakeSession().asSession() })
    expect(byTestId(again, 'rules-accept')).toBeNull()
    expect((byTestId(again, 'start') as HTMLButtonElement).disabled).toBe(false)
  })

  it('keeps Start off while this network is banned', () => {
    const session = new FakeSession()
    session.bannedUntil = Date.now() + 60_000
    const view = render(Lobby, { session: session.asSession() })
    expect((byTestId(view, 'start') as HTMLButtonElement).disabled).toBe(true)
  })
})

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
