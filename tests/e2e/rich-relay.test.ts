// Rich chat over the server's relay (Hide my IP without TURN: no peer connection at all): reactions,
// replies, edits and deletions travel sealed like messages; images only where the server allows them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../support/browser.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'
import { closeUsers, openApp, pairUp, path, send, type AppUser } from '../support/app.ts'
import { pictureFromPage } from '../support/images.ts'

let server: TestServer
let imagesServer: TestServer
let browser: Browser
let otherBrowser: Browser
const users: AppUser[] = []

beforeAll(async () => {
  server = await startTestServer({ STATIC_DIR: 'app/dist' })
  imagesServer = await startTestServer({ STATIC_DIR: 'app/dist', RELAY_IMAGES: 'on' })
  ;[browser, otherBrowser] = await Promise.all([launchBrowser(), launchBrowser()])
})
afterEach(async () => {
  await closeUsers(...users.splice(0))
})
afterAll(async () => {
  await closeBrowsers()
  await closeAll()
})

/** A pair whose chat runs over the server's relay only: both hide their address, and there is no TURN. */
async function relayedPair(at: TestServer): Promise<[AppUser, AppUser]> {
  const pair = [await openApp(browser, at.url), await openApp(otherBrowser, at.url)] as [AppUser, AppUser]
  users.push(...pair)
  for (const u of pair) await u.page.getByTestId('hide-ip').check()
  await pairUp(...pair, 'any')
  for (const u of pair) expect(await path(u)).toBe('server')
  return pair
}

const message = (u: AppUser, text: string) =>
  u.page.getByTestId('message').filter({ has: u.page.locator('.text', { hasText: text }) })

describe('over the server’s relay', () => {
  it('carries reactions, replies, edits and deletions', async () => {
    const [a, b] = await relayedPair(server)
    await send(a, 'over the relay')
    const theirs = message(b, 'over the relay')
    await theirs.getByTestId('message-actions').click()
    await theirs.locator('[data-testid="react"][data-emoji="🙏"]').click()
    await expect.poll(() => message(a, 'over the relay').getByTestId('reaction').getAttribute('data-emoji')).toBe('🙏')
    await theirs.getByTestId('message-actions').click()
    await theirs.getByTestId('reply').click()
    await send(b, 'still private')
    await expect
      .poll(() => message(a, 'still private').getByTestId('reply-quote').textContent())
      .toContain('over the relay')
    const mine = message(a, 'over the relay')
    await mine.getByTestId('message-actions').click()
    await mine.getByTestId('edit').click()
    await a.page.getByTestId('message-input').fill('over the relay, edited')
    await a.page.getByTestId('message-input').press('Enter')
    await expect.poll(() => message(b, 'over the relay, edited').getAttribute('data-edited')).toBe('true')
    await message(a, 'over the relay, edited').getByTestId('message-actions').click()
    await message(a, 'over the relay, edited').getByTestId('unsend').click()
    await expect.poll(() => b.page.locator('[data-testid="message"][data-deleted="true"]').count()).toBe(1)
  })

  it('sends no image where the server does not carry them, and tells the person why', async () => {
    const [a, b] = await relayedPair(server)
    const photo = await pictureFromPage(a.page, 320, 240)
    await a.page.getByTestId('image-attach').setInputFiles({ name: 'p.jpg', mimeType: 'image/jpeg', buffer: photo })
    await expect
      .poll(() => a.page.getByRole('alert').filter({ hasText: 'Images need a direct connection' }).count())
      .toBe(1)
    await send(a, 'text still works')
    await message(b, 'text still works').waitFor()
    expect(await b.page.getByTestId('image').count()).toBe(0)
    expect(await a.page.getByTestId('image').count()).toBe(0)
  })

  it('carries an image where the server allows it (RELAY_IMAGES=on), paced within its byte rate', async () => {
    const [a, b] = await relayedPair(imagesServer)
    const photo = await pictureFromPage(a.page, 800, 600)
    await a.page.getByTestId('image-attach').setInputFiles({ name: 'p.jpg', mimeType: 'image/jpeg', buffer: photo })
    const offer = b.page.getByTestId('image')
    await expect.poll(() => offer.getAttribute('data-status')).toBe('offered')
    await offer.getByTestId('image-accept').click()
    await expect.poll(() => offer.getAttribute('data-status'), { timeout: 20_000 }).toBe('done')
    await expect.poll(() => a.page.getByTestId('image').getAttribute('data-status')).toBe('done')
    expect(await path(b)).toBe('server')
    expect(a.problems.concat(b.problems)).toEqual([])
  })
})
