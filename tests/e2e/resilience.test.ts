/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../support/browser.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'
import {
  closeUsers,
  expectState,
  messages,
  openApp,
  pairUp,
  send,
  savedMessageCount,
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
  })
})
