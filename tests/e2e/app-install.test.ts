/// <reference lib="dom" />
// The installable app: manifest and icons, Chromium's installability check, the service worker's
// precache (the shell and History open offline), its navigation fallback kept off the server's own
// paths, headers that never let sw.js or the manifest go stale, and an update taken on the next load.
import { createHash } from 'node:crypto'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import { chromiumArgs, chromiumPath, closeBrowsers, launchBrowser } from '../support/browser.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'
import { closeUsers, expectState, openApp, pairUp, savedMessageCount, send, type AppUser } from '../support/app.ts'

let server: TestServer
let browser: Browser
let otherBrowser: Browser
const users: AppUser[] = []

beforeAll(async () => {
  server = await startTestServer({ STATIC_DIR: 'app/dist' })
  ;[browser, otherBrowser] = await Promise.all([launchBrowser(), launchBrowser()])
})
afterAll(async () => {
  await closeUsers(...users)
  await closeBrowsers()
  await closeAll()
})

async function open(on: Browser = browser, url = server.url): Promise<AppUser> {
  const user = await openApp(on, url)
  users.push(user)
  return user
}

/** Resolves once a service worker controls the page (the worker claims the page that registered it). */
async function controlled(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 20_000 })
}

/** A PNG's width and height, from its IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

interface Manifest {
  name: string
  short_name: string
  start_url: string
  display: string
  theme_color: string
  background_color: string
  icons: { src: string; sizes: string; type: string; purpose?: string }[]
}

describe('installable app', () => {
  it('serves a manifest whose icons exist as PNGs of the sizes it says', async () => {
    const response = await fetch(`${server.url}/manifest.webmanifest`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/manifest\+json/)
    const manifest = (await response.json()) as Manifest
    expect(manifest).toMatchObject({ short_name: 'Hush', start_url: '/', display: 'standalone' })
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i)
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i)
    const purposes = manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose ?? 'any'}`)
    expect(purposes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']))
    for (const icon of manifest.icons) {
      const image = await fetch(new URL(icon.src, server.url))
      expect(image.status).toBe(200)
      expect(image.headers.get('content-type')).toBe('image/png')
      const { width, height } = pngSize(Buffer.from(await image.arrayBuffer()))
      expect(`${width}x${height}`).toBe(icon.sizes)
    }
  })

  it('links the manifest and gives a theme colour for the light and the dark theme', async () => {
    const { page } = await open()
    expect(await page.locator('link[rel="manifest"]').getAttribute('href')).toBe('/manifest.webmanifest')
    const themes = await page
      .locator('meta[name="theme-color"]')
      .evaluateAll((metas) => metas.map((meta) => [meta.getAttribute('media'), meta.getAttribute('content')]))
    expect(themes).toEqual([
      ['(prefers-color-scheme: light)', '#f6f5f2'],
      ['(prefers-color-scheme: dark)', '#111114'],
    ])
  })

  it('has no installability errors in Chromium once its worker runs', async () => {
    // A profile of its own: Playwright's usual contexts are incognito, where nothing can be installed.
    const profile = await mkdtemp(join(tmpdir(), 'hush-profile-'))
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      args: chromiumArgs,
    })
    try {
      const page = await context.newPage()
      const problems: string[] = []
      page.on('console', (message) => message.type() === 'error' && problems.push(message.text()))
      await page.goto(server.url)
      await controlled(page)
      const cdp = await context.newCDPSession(page)
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors')
      expect(installabilityErrors).toEqual([])
      const { errors } = await cdp.send('Page.getAppManifest')
      expect(errors).toEqual([])
      // The worker, its runtime and the manifest load under the strict CSP.
      expect(problems).toEqual([])
    } finally {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    }
  })

  it('never lets sw.js or the manifest be cached; hashed assets for a year', async () => {
    for (const path of ['/sw.js', '/manifest.webmanifest', '/index.html'])
      expect((await fetch(`${server.url}${path}`)).headers.get('cache-control'), path).toBe('no-cache')
    const html = await (await fetch(server.url)).text()
    const entry = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1]
    expect(entry).toBeDefined()
    expect((await fetch(`${server.url}${entry}`)).headers.get('cache-control')).toBe(
      'public, max-age=31536000, immutable',
    )
  })

  it('opens the app and History offline once the worker controls the page', async () => {
    const a = await open()
    const b = await open(otherBrowser)
    await pairUp(a, b, 'any')
    await send(b, 'saved before going offline')
    await expect.poll(() => savedMessageCount(a)).toBe(1)
    await controlled(a.page)
    await a.page.getByTestId('end').click()
    await expectState(a, 'ended')

    await a.context.setOffline(true)
    const response = await a.page.reload()
    expect(response?.fromServiceWorker()).toBe(true)
    await expectState(a, 'idle')
    await a.page.getByText('offline, reconnecting…').waitFor()
    await a.page.getByTestId('history-open').click()
    await a.page.getByTestId('history-item').first().click()
    await a.page.getByText('saved before going offline').waitFor()
    await a.context.setOffline(false)
  })

  it('leaves the server’s own paths to the server, not to the offline fallback', async () => {
    const { page } = await open()
    await controlled(page)
    const appPath = await page.goto(`${server.url}/some/app/path`)
    expect(appPath?.fromServiceWorker()).toBe(true)
    for (const path of ['/metrics', '/healthz', '/api/anything', '/socket.io/?EIO=4&transport=polling']) {
      const response = await page.goto(`${server.url}${path}`)
      expect(response?.fromServiceWorker(), path).toBe(false)
    }
    const metrics = await page.goto(`${server.url}/metrics`)
    expect(await metrics?.text()).toContain('# HELP')
  })
})

describe('a new version', () => {
  let site: string
  let port: string

  beforeAll(async () => {
    site = await mkdtemp(join(tmpdir(), 'hush-site-'))
    await cp('app/dist', join(site, 'v1'), { recursive: true })
    await cp('app/dist', join(site, 'v2'), { recursive: true })
    // Version 2: another index.html, and a worker that precaches it (its revision is the file's hash).
    const html = await readFile(join(site, 'v1', 'index.html'), 'utf8')
    const newHtml = html.replace(
      '<title>Hush</title>',
      '<title>Hush</title><meta name="hush-test-version" content="2">',
    )
    await writeFile(join(site, 'v2', 'index.html'), newHtml)
    const md5 = (text: string) => createHash('md5').update(text).digest('hex')
    const worker = await readFile(join(site, 'v1', 'sw.js'), 'utf8')
    expect(worker).toContain(md5(html))
    await writeFile(join(site, 'v2', 'sw.js'), worker.replace(md5(html), md5(newHtml)))
  })
  afterAll(async () => {
    await rm(site, { recursive: true, force: true })
  })

  it('is taken on the next load, without reloading the open page, and says so once', async () => {
    const v1 = await startTestServer({ STATIC_DIR: join(site, 'v1') })
    port = new URL(v1.url).port
    const user = await open(browser, v1.url)
    await controlled(user.page)
    const version = () => user.page.locator('meta[name="hush-test-version"]').count()
    const updateNotice = user.page.locator('[data-testid="notice"][data-kind="update"]')

    // The deploy: the same address now serves version 2.
    await v1.close()
    const v2 = await startTestServer({ STATIC_DIR: join(site, 'v2'), PORT: port })
    expect(v2.url).toBe(v1.url)
    await user.page.reload()
    await expectState(user, 'idle')
    // This load still ran version 1 (from the precache); the new worker takes over underneath it.
    expect(await version()).toBe(0)
    let reloaded = false
    user.page.once('load', () => (reloaded = true))
    await user.page.waitForFunction(() => localStorage.getItem('hush.updated') === '1', undefined, { timeout: 20_000 })
    expect(reloaded).toBe(false)
    expect(await updateNotice.count()).toBe(0)

    await user.page.reload()
    await updateNotice.waitFor()
    expect(await version()).toBe(1)
    expect(await updateNotice.textContent()).toContain('Hush was updated')

    await user.page.reload()
    await expectState(user, 'idle')
    await user.page
      .getByTestId('my-name')
      .filter({ hasText: /\w+ \w+/ })
      .waitFor()
    expect(await updateNotice.count()).toBe(0)
  })

  it('shows no update notice on a first visit', async () => {
    const { page } = await open()
    await controlled(page)
    await page.reload()
    await page
      .getByTestId('my-name')
      .filter({ hasText: /\w+ \w+/ })
      .waitFor()
    expect(await page.locator('[data-testid="notice"][data-kind="update"]').count()).toBe(0)
  })
})
