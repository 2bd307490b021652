/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../support/browser.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'
import {
  closeUsers,
  expectState,
  lastText,
  messages,
  openApp,
  pairUp,
  send,
  savedMessageCount,
  savedStatuses,
  type AppUser,
} from '../support/app.ts'

let server: TestServer
let browser: Browser
let otherBrowser: Browser
const users: AppUser[] = []

async function user(which: Browser): Promise<AppUser> {
  const opened = await openApp(which, server.url)
  users.push(opened)
  return opened
}

beforeAll(async () => {
  server = await startTestServer({ STATIC_DIR: 'app/dist' })
  ;[browser, otherBrowser] = await Promise.all([launchBrowser(), launchBrowser()])
})
afterAll(async () => {
  await closeUsers(...users)
  await closeBrowsers()
  await closeAll()
})

describe('heartbeat', () => {
  it('tells the user the partner is lost when the partner goes silent, even with signaling up', async () => {
    const a = await user(browser)
    const b = await user(otherBrowser)
    await pairUp(a, b)
    // Freeze b's JavaScript: its data channel stays open, but no ping or pong ever leaves it.
    const cdp = await b.context.newCDPSession(b.page)
    await cdp.send('Debugger.enable')
    await cdp.send('Debugger.pause')
    const frozenAt = Date.now()
    await expectState(a, 'ended', 15_000)
    const waited = Date.now() - frozenAt
    await expect
      .poll(() => a.page.getByTestId('notice').allTextContents())
      .toContainEqual(expect.stringMatching(/lost/i))
    expect(waited).toBeGreaterThanOrEqual(5000) // not before the 6 s of silence (minus the last ping's age)
    expect(waited).toBeLessThan(9000) // at 6 s of silence, with room for the test's own polling
    // The server still pairs a with the frozen b (b's socket lives on for up to 45 s) unless a said it
    // left: a new chat must work at once, not be refused as "already chatting".
    const c = await user(otherBrowser)
    await pairUp(a, c)
    expect(await a.page.getByTestId('notice').allTextContents()).not.toContainEqual(
      expect.stringMatching(/Could not search/),
    )
    await cdp.send('Debugger.resume')
  })
})

describe('Keep history off', () => {
  it('stops saving new chats, offers to delete the saved ones, and the chat goes on', async () => {
    const a = await user(browser)
    const b = await user(otherBrowser)
    await pairUp(a, b)
    await send(a, 'kept before the switch')
    await expect.poll(() => savedMessageCount(a)).toBe(1)
    await a.page.getByTestId('end').click()
    await a.page.getByTestId('history-open').click()
    await a.page.getByLabel(/Keep history/).uncheck()
    await expect.poll(() => a.page.getByText(/Delete the 1 saved/).isVisible()).toBe(true)
    await a.page.getByTestId('history-offer-keep').click()
    await expect.poll(() => a.page.getByText(/Delete the 1 saved/).count()).toBe(0)
    await a.page.getByTestId('history-open').click()

    const c = await user(otherBrowser)
    await pairUp(a, c)
    await send(a, 'not saved')
    await send(c, 'not saved either')
    await expect.poll(() => messages(a).count()).toBe(2)
    await a.page.getByTestId('end').click()
    await a.page.reload()
    await a.page.getByTestId('history-open').click()
    await expect.poll(() => a.page.getByLabel(/Keep history/).isChecked()).toBe(false)
    await expect.poll(() => a.page.getByTestId('history-item').count()).toBe(1)
    expect(await savedMessageCount(a)).toBe(1)

    // Taking the offer deletes what was kept.
    await a.page.getByLabel(/Keep history/).check()
    await a.page.getByLabel(/Keep history/).uncheck()
    await a.page.getByTestId('history-offer-delete').click()
    await expect.poll(() => a.page.getByTestId('history-item').count()).toBe(0)
    expect(await savedMessageCount(a)).toBe(0)
  })
})

describe('history storage failures', () => {
  it('without IndexedDB: says history is off, and the chat works', async () => {
    const a = await openApp(browser, server.url, {
      initScript: `Object.defineProperty(window, 'indexedDB', { configurable: true, value: undefined })`,
    })
    users.push(a)
    const b = await user(otherBrowser)
    await expect
      .poll(() => a.page.getByTestId('notice').allTextContents())
      .toContainEqual(expect.stringMatching(/History is off/))
    await pairUp(a, b)
    await send(a, 'no history here')
    await expect.poll(() => messages(b, 'them').last().textContent()).toContain('no history here')
    await send(b, 'fine by me')
    await expect.poll(() => messages(a, 'them').last().textContent()).toContain('fine by me')
    await a.page.getByTestId('history-open').click()
    await expect.poll(() => a.page.getByText(/History is unavailable/).isVisible()).toBe(true)
    await a.page.getByTestId('history-open').click()
    await a.page.getByTestId('end').click()
  })

  it('when writes fail (quota): says so once, retries in the background, and loses nothing', async () => {
    // Writes to the store fail as a full disk would (counted) until the test frees the "disk".
    const a = await openApp(browser, server.url, {
      initScript: `window.__failWrites = true
      window.__failedPuts = 0
      const put = IDBObjectStore.prototype.put
      IDBObjectStore.prototype.put = function (...args) {
        if (!window.__failWrites) return put.apply(this, args)
        window.__failedPuts++
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      }`,
    })
    users.push(a)
    const b = await user(otherBrowser)
    await pairUp(a, b)
    await send(a, 'first')
    const failures = () =>
      a.page
        .getByTestId('notice')
        .allTextContents()
        .then((texts) => texts.filter((text) => /Couldn’t save this chat/.test(text)))
    await expect.poll(failures).toEqual([expect.stringMatching(/quota has been exceeded.*chat goes on/)])
    await a.page
      .getByTestId('notice')
      .filter({ hasText: /Couldn’t save/ })
      .getByRole('button')
      .click()
    const failedPuts = () => a.page.evaluate(() => (window as unknown as { __failedPuts: number }).__failedPuts)
    const before = await failedPuts()

    for (let i = 0; i < 3; i++) await send(b, `reply ${i}`)
    await expect.poll(() => messages(a, 'them').count()).toBe(3)
    // Two more failed tries: the first one's error has surely been handled by the time the second ran.
    await expect.poll(failedPuts, { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 2)
    // Told once: no notice comes back with every retry.
    expect(await failures()).toEqual([])
    expect(await savedMessageCount(a)).toBe(0)

    // The disk is freed: a retry in the background writes everything, without any new message.
    await a.page.evaluate(() => ((window as unknown as { __failWrites: boolean }).__failWrites = false))
    await expect.poll(() => savedMessageCount(a), { timeout: 20_000 }).toBe(4)
    await a.page.getByTestId('end').click()
  })
})

describe('a partner flooding the chat', () => {
  it('shows messages only up to a rate far above any person, says so once, and the chat goes on', async () => {
    const a = await user(browser)
    const b = await user(otherBrowser)
    await pairUp(a, b)
    // A plays the modified client: 300 messages in one task, through its own composer.
    await a.page.evaluate(() => {
      const input = document.querySelector<HTMLTextAreaElement>('[data-testid="message-input"]')!
      for (let i = 0; i < 300; i++) {
        input.value = `flood ${i}`
        input.dispatchEvent(new Event('input', { bubbles: true }))
        input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }))
      }
    })
    await expect
      .poll(() => b.page.getByTestId('notice').allTextContents())
      .toContainEqual(expect.stringMatching(/faster than anyone types/))
    // The chat goes on. B refills 100 a second, so a message right behind the flood (still being worked
    // through on B) may be dropped as well: A says it again until B shows it.
    await expect
      .poll(
        async () => {
          await send(a, 'back to normal')
          return lastText(b, 'them')
        },
        { interval: 250 },
      )
      .toBe('back to normal')
    // B showed the burst (200, plus the few that refilled meanwhile) and dropped the rest, unacked.
    // The channel is ordered and batches are written in order: once A's history holds an ack of a
    // message sent after the flood, it holds every ack of the flood.
    await expect.poll(async () => (await savedStatuses(a)).slice(300).includes('delivered')).toBe(true)
    const acked = (await savedStatuses(a)).slice(0, 300).filter((status) => status === 'delivered').length
    expect(acked).toBeGreaterThanOrEqual(200)
    expect(acked).toBeLessThan(300)
    // What B saved is exactly what it showed, and it acked all of that and nothing else.
    const deliveredOnA = async () => (await savedStatuses(a)).filter((status) => status === 'delivered').length
    await expect.poll(async () => (await savedStatuses(b)).length === (await deliveredOnA())).toBe(true)
    expect(
      (await b.page.getByTestId('notice').allTextContents()).filter((text) => /faster than anyone/.test(text)),
    ).toHaveLength(1)
  })
})
