/// <reference lib="dom" />
// Firefox (Debian's firefox-esr) and Chromium chat with each other over a direct data channel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { closeBrowsers, launchBrowser, launchFirefox } from '../support/browser.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'
import { closeUsers, lastText, messages, openApp, pairUp, path, send, type AppUser } from '../support/app.ts'

let server: TestServer
let chromium: Browser
let firefox: Browser
let fox: AppUser
let chrome: AppUser

beforeAll(async () => {
  server = await startTestServer({ STATIC_DIR: 'app/dist' })
  ;[chromium, firefox] = await Promise.all([launchBrowser(), launchFirefox()])
  fox = await openApp(firefox, server.url)
  chrome = await openApp(chromium, server.url)
})
afterAll(async () => {
  await closeUsers(fox, chrome)
  await closeBrowsers()
  await closeAll()
})

describe('Firefox and Chromium', () => {
  it('chat over a direct data channel, end to end encrypted, with the same safety code', async () => {
    expect(await fox.page.evaluate(() => navigator.userAgent)).toMatch(/Firefox/)
    await pairUp(fox, chrome)
    expect(await path(fox)).toBe('direct')
    expect(await path(chrome)).toBe('direct')
    const code = await fox.page.getByTestId('safety-code').textContent()
    expect(code).toMatch(/^\d{3} \d{3} \d{3} \d{3}$/)
    expect(await chrome.page.getByTestId('safety-code').textContent()).toBe(code)
    await send(fox, 'hello from Firefox')
    await expect.poll(() => lastText(chrome, 'them')).toBe('hello from Firefox')
    await send(chrome, 'hello from Chromium')
    await expect.poll(() => lastText(fox, 'them')).toBe('hello from Chromium')
    await expect.poll(() => messages(fox, 'me').first().getAttribute('data-status')).toBe('delivered')
  })
})
