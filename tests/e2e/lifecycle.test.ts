/// <reference lib="dom" />
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../support/browser.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'
import { eventually } from '../support/timing.ts'
import {
  closeUsers,
  expectState,
  lastText,
  notices,
  openApp,
  pairUp,
  savedStatuses,
  send,
  start,
  state,
  type AppUser,
} from '../support/app.ts'

let server: TestServer
let browserA: Browser
let browserB: Browser
const users: AppUser[] = []

async function user(browser: Browser): Promise<AppUser> {
  const opened = await openApp(browser, server.url)
  users.push(opened)
  return opened
}

const myName = (u: AppUser) => u.page.getByTestId('my-name').textContent()
const partnerName = (u: AppUser) => u.page.getByTestId('partner-name').textContent()

beforeAll(async () => {
  server = await startTestServer({ STATIC_DIR: 'app/dist' })
  ;[browserA, browserB] = await Promise.all([launchBrowser(), launchBrowser()])
})
afterEach(async () => {
  await closeUsers(...users.splice(0))
})
afterAll(async () => {
  await closeBrowsers()
  await closeAll()
})

describe('chat lifecycle', () => {
  it('Skip: the partner learns it at once and the skipper meets the stranger who was waiting', async () => {
    const a = await user(browserA)
    const b = await user(browserB)
    const c = await user(browserA)
    await pairUp(a, b)
    await start(c)
    await expectState(c, 'searching')
    const cName = await myName(c)

    await a.page.getByTestId('skip').click()
    await expectState(b, 'ended', 2000)
    await expect.poll(() => notices(b)).toContainEqual(expect.stringMatching(/skipped/))
    await Promise.all([expectState(a, 'chatting'), expectState(c, 'chatting')])
    expect(await partnerName(a)).toBe(cName)
    await send(c, 'hi, new stranger')
    await expect.poll(() => lastText(a, 'them')).toBe('hi, new stranger')
  })

  it('gives every chat its own key pair and DTLS certificate: nothing links one chat to the next', async () => {
    // Records the DTLS fingerprint of every local description the page sets.
    const recordFingerprints = `(() => {
      window.__fingerprints = []
      const set = RTCPeerConnection.prototype.setLocalDescription
      RTCPeerConnection.prototype.setLocalDescription = async function (...args) {
        await set.apply(this, args)
        const line = (this.localDescription?.sdp ?? '').split(/\\r?\\n/).find((l) => l.startsWith('a=fingerprint:'))
        if (line) window.__fingerprints.push(line)
      }
    })()`
    // The handshake goes through the server's relay (or a data channel without one): both are read.
    const a = await openApp(browserA, server.url, {
      captureFrames: true,
      watchTransports: true,
      initScript: recordFingerprints,
    })
    users.push(a)
    const b = await user(browserB)
    const c = await user(browserA)
    await pairUp(a, b)
    await start(c)
    await expectState(c, 'searching')
    await a.page.getByTestId('skip').click()
    await Promise.all([expectState(a, 'chatting'), expectState(c, 'chatting')])

    const hellos = await a.page.evaluate(() =>
      [...(window.__sentFrames ?? []), ...(window.__toServer ?? [])]
        .map((bytes) => new TextDecoder().decode(new Uint8Array(bytes)))
        .filter((text) => text.startsWith('{'))
        .map((text) => JSON.parse(text) as { t?: string; pk?: string })
        .filter((frame) => frame.t === 'hello')
        .map((frame) => frame.pk),
    )
    expect(hellos).toHaveLength(2)
    expect(hellos[0]).not.toBe(hellos[1])
    // The chat starts over the relay; its data channel (and so its certificate) is dialled after.
    const prints = await eventually(
      () => a.page.evaluate(() => (window as unknown as { __fingerprints: string[] }).__fingerprints),
      (lines) => lines.length >= 2,
    )
    expect(prints).toHaveLength(2)
    expect(prints[0]).toMatch(/^a=fingerprint:sha-256 /)
    expect(prints[0]).not.toBe(prints[1])
  })

  it('from Start to chatting, shows progress only: never a Start button again, and the partner by name', async () => {
    // Logs, at every DOM change, whether a Start button is in the page and what the lobby or chat says.
    const watchScreens = `(() => {
      window.__screens = []
      document.addEventListener('DOMContentLoaded', () => new MutationObserver(() => {
        const app = document.querySelector('[data-testid="app"]')
        window.__screens.push({
          state: app?.getAttribute('data-state'),
          start: !!document.querySelector('[data-testid="start"]'),
          lobby: document.querySelector('.searching p')?.textContent?.trim() ?? null,
          chat: !!document.querySelector('.chat'),
        })
      }).observe(document, { childList: true, subtree: true, characterData: true, attributes: true }))
    })()`
    const a = await user(browserA)
    const b = await openApp(browserB, server.url, { initScript: watchScreens })
    users.push(b)
    await pairUp(a, b)
    const screens = await b.page.evaluate(
      () =>
        (window as unknown as { __screens: { state: string; start: boolean; lobby: string | null; chat: boolean }[] })
          .__screens,
    )
    const matching = screens.filter((screen) => screen.state === 'searching' || screen.state === 'connecting')
    expect(matching.length).toBeGreaterThan(0)
    expect(matching.filter((screen) => screen.start)).toEqual([])
    // While connecting: the lobby names the partner, or the chat view is up.
    const aName = await myName(a)
    for (const screen of matching.filter((s) => s.state === 'connecting'))
      expect(screen.chat || screen.lobby === `Matched with ${aName}. Securing connection…`).toBe(true)
  })

  it('a last message sent right before End still shows delivered, on screen and in history', async () => {
    const a = await user(browserA)
    const b = await user(browserB)
    await pairUp(a, b)
    // Enter and End in one task: the message, then the bye, leave before any ack can come back.
    await a.page.getByTestId('message-input').fill('bye!')
    await a.page.evaluate(() => {
      const input = document.querySelector<HTMLTextAreaElement>('[data-testid="message-input"]')!
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }))
      document.querySelector<HTMLButtonElement>('[data-testid="end"]')!.click()
    })
    await expectState(a, 'ended')
    await expect.poll(() => lastText(b, 'them')).toBe('bye!')
    const mine = a.page.locator('[data-testid="message"][data-from="me"]')
    await expect.poll(() => mine.getAttribute('data-status')).toBe('delivered')
    await expect.poll(() => savedStatuses(a)).toEqual(['delivered'])
  })

  it('a last message the server’s “ended” overtakes is still shown to the partner, and delivered', async () => {
    const a = await user(browserA)
    // b's peer-to-peer frames arrive 300 ms late: the server's match:ended (its faster path here) comes first.
    const b = await openApp(browserB, server.url, {
      initScript: `{
        const add = RTCDataChannel.prototype.addEventListener
        RTCDataChannel.prototype.addEventListener = function (type, listener, options) {
          if (type !== 'message') return add.call(this, type, listener, options)
          return add.call(this, type, (event) => setTimeout(() => listener.call(this, event), 300), options)
        }
      }`,
    })
    users.push(b)
    await pairUp(a, b)
    await send(a, 'bye!')
    await a.page.getByTestId('end').click()
    await expectState(b, 'ended')
    await expect.poll(() => lastText(b, 'them')).toBe('bye!')
    const mine = a.page.locator('[data-testid="message"][data-from="me"]')
    await expect.poll(() => mine.getAttribute('data-status')).toBe('delivered')
  })

  it('tells the partner when the other side closes the tab', async () => {
    const a = await user(browserA)
    const b = await user(browserB)
    await pairUp(a, b)
    await b.page.close()
    await expectState(a, 'ended', 8000)
    await expect.poll(() => notices(a)).toContainEqual(expect.stringMatching(/left|lost|disconnected/))
    // The composer stays, read-only (a draft is kept, nothing can be sent), and New chat is offered.
    expect(await a.page.getByTestId('message-input').getAttribute('readonly')).not.toBeNull()
    expect(await a.page.getByTestId('send').isDisabled()).toBe(true)
    expect(await a.page.getByTestId('start').isVisible()).toBe(true)
  })

  it('three users starting at once: two chat, one waits, and the next arrival meets the one who waited', async () => {
    const trio = [await user(browserA), await user(browserB), await user(browserA)]
    await Promise.all(trio.map((u) => start(u)))
    await expect
      .poll(async () => (await Promise.all(trio.map(state))).sort(), { timeout: 15_000 })
      .toEqual(['chatting', 'chatting', 'searching'])
    const states = await Promise.all(trio.map(state))
    const waiter = trio[states.indexOf('searching')]!
    const waiterName = await myName(waiter)

    const late = await user(browserB)
    await start(late)
    await Promise.all([expectState(waiter, 'chatting'), expectState(late, 'chatting')])
    expect(await partnerName(late)).toBe(waiterName)
  })

  it('Cancel leaves the queue: a later searcher is not matched with the one who cancelled', async () => {
    const a = await user(browserA)
    const b = await user(browserB)
    const c = await user(browserA)
    await start(a)
    await expectState(a, 'searching')
    await a.page.getByTestId('cancel').click()
    await expectState(a, 'idle')
    await start(b)
    await expectState(b, 'searching')
    await start(c)
    await Promise.all([expectState(b, 'chatting'), expectState(c, 'chatting')])
    expect(await state(a)).toBe('idle')
  })

  it('raised no console errors and no CSP violations', () => {
    for (const u of users) expect(u.problems).toEqual([])
  })
})
