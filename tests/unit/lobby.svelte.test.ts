// The lobby as screen readers and the keyboard meet it.
import { flushSync } from 'svelte'
import { afterEach, describe, expect, it } from 'vitest'
import Lobby from '../../app/src/components/Lobby.svelte'
import { FakeSession } from '../support/fake-session.svelte.ts'
import { cleanup, liveRegions, render } from '../support/render.ts'

afterEach(cleanup)

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
