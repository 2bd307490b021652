import { readdir, readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { closeBrowsers, launchBrowser, openUser } from '../support/browser.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'

let server: TestServer
let noRelay: TestServer
let browser: Browser

beforeAll(async () => {
  server = await startTestServer({ STATIC_DIR: 'app/dist' })
  noRelay = await startTestServer({ STATIC_DIR: 'app/dist', RELAY: 'off' })
  browser = await launchBrowser()
})
afterAll(async () => {
  await closeBrowsers()
  await closeAll()
})

describe('lobby', () => {
  it('shows each user a guest name and the live online count', async () => {
    const first = await openUser(browser, server.url)
    await expect.poll(() => first.page.getByTestId('online-count').textContent()).toBe('1')
    const second = await openUser(browser, server.url)
    await expect.poll(() => first.page.getByTestId('online-count').textContent()).toBe('2')
    await expect.poll(() => second.page.getByTestId('online-count').textContent()).toBe('2')
    const names = [
      await first.page.getByTestId('my-name').textContent(),
      await second.page.getByTestId('my-name').textContent(),
    ]
    expect(names[0]).toMatch(/^\w+ \w+$/)
    expect(names[0]).not.toBe(names[1])
    await first.context.close()
    await expect.poll(() => second.page.getByTestId('online-count').textContent()).toBe('1')
  })
})

describe('header counts', () => {
  it('shows counts in the lobby and hides them in a chat, where the server stops sending them', async () => {
    const a = await openUser(browser, server.url)
    const b = await openUser(browser, server.url)
    await expect.poll(() => a.page.getByTestId('online-count').isVisible()).toBe(true)
    await a.page.getByTestId('start').click()
    await b.page.getByTestId('start').click()
    await a.page.getByTestId('safety-code').waitFor()
    await expect.poll(() => a.page.getByTestId('online-count').isVisible()).toBe(false)
    await expect.poll(() => a.page.locator('header.bar').textContent()).not.toContain('searching')
    await b.page.getByTestId('end').click()
    await a.page.getByTestId('notice').first().waitFor()
    await expect.poll(() => a.page.getByTestId('online-count').isVisible()).toBe(true)
    await a.context.close()
    await b.context.close()
  })
})

describe('Hide my IP address without TURN', () => {
  it('is offered through the server’s relay, off by default, and says what it does', async () => {
    const u = await openUser(browser, server.url)
    const toggle = u.page.getByTestId('hide-ip')
    await expect.poll(() => toggle.isEnabled()).toBe(true)
    expect(await toggle.isChecked()).toBe(false)
    await toggle.check()
    await expect.poll(() => u.page.getByText(/through the Hush server, end-to-end encrypted/).isVisible()).toBe(true)
    await u.context.close()
  })

  it('is unavailable on a server without any relay and says so, and the built bundle carries no TURN secret', async () => {
    const u = await openUser(browser, noRelay.url)
    const toggle = u.page.getByTestId('hide-ip')
    await expect.poll(() => toggle.isDisabled()).toBe(true)
    expect(await toggle.isChecked()).toBe(false)
    await expect.poll(() => u.page.getByText(/Unavailable on this server/).isVisible()).toBe(true)
    const bundle = (await readdir('app/dist/assets')).filter((name) => name.endsWith('.js'))
    expect(bundle.length).toBeGreaterThan(0)
    for (const name of bundle)
      expect(await readFile(`app/dist/assets/${name}`, 'utf8')).not.toMatch(/TURN_SECRET|static-auth-secret/)
    await u.context.close()
  })
})
