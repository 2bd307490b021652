// The interface in every language: chosen by the browser's languages, switched live with `ui-language`
// (a chat goes on), remembered, right to left in Arabic with the layout mirrored.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../support/browser.ts'
import { closeUsers, expectState, messages, openApp, pairUp, send, type AppUser } from '../support/app.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'
import { locales, type Locale } from '../../app/src/lib/i18n/locales.ts'

let server: TestServer
let browser: Browser

beforeAll(async () => {
  server = await startTestServer({ STATIC_DIR: 'app/dist' })
  browser = await launchBrowser()
})
afterAll(async () => {
  await closeBrowsers()
  await closeAll()
})

/** A catalogue's plain messages, as the files hold them. */
const said = (locale: Locale): Record<string, string> =>
  JSON.parse(readFileSync(`app/src/lib/i18n/messages/${locale}.json`, 'utf8'))
const english = said('en')

async function choose(page: Page, locale: Locale): Promise<void> {
  await page.getByTestId('ui-language').selectOption(locale)
  await page.locator(`html[lang="${locale}"]`).waitFor()
}

const html = (page: Page) =>
  page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }))

/** Visible words that look like a message key ("lobby_title") rather than a sentence. */
const keyLike = async (page: Page) => (await page.locator('body').innerText()).match(/\b[a-z]+(?:_[a-z]+)+\b/g) ?? []

describe('every language', () => {
  it.each(locales)('%s: the lobby and History in its own words, no key names', async (locale) => {
    const user = await openApp(browser, server.url)
    await choose(user.page, locale)
    const words = said(locale)
    expect(await html(user.page)).toEqual({ lang: locale, dir: locale === 'ar' ? 'rtl' : 'ltr' })
    expect(await user.page.locator('h1').textContent()).toBe(words.lobby_title)
    expect((await user.page.getByTestId('start').textContent())?.trim()).toBe(words.start_chatting)
    expect(await user.page.getByTestId('interests').getAttribute('placeholder')).toBe(words.interests_placeholder)
    if (locale !== 'en') expect(words.start_chatting).not.toBe(english.start_chatting)
    expect(await keyLike(user.page)).toEqual([])
    await user.page.getByTestId('history-open').click()
    await expect.poll(() => user.page.locator('#history-title').textContent()).toBe(words.history_title)
    expect(await user.page.getByText(words.no_saved_chats!).count()).toBe(1)
    expect(await keyLike(user.page)).toEqual([])
    expect(user.problems).toEqual([])
    await closeUsers(user)
  })
})

describe('choosing the language', () => {
  it('follows the browser’s languages on a first visit, fetching only that catalogue', async () => {
    const context = await browser.newContext({ locale: 'de-DE' })
    await context.addInitScript(`localStorage.setItem('hush.rulesAccepted', '1')`)
    const page = await context.newPage()
    const catalogues: string[] = []
    page.on('request', (request) => {
      const chunk = /\/assets\/(en|es|de|pt|ar)-[\w-]+\.js$/.exec(request.url())
      if (chunk) catalogues.push(chunk[1]!)
    })
    await page.goto(server.url)
    await page.locator('html[lang="de"]').waitFor()
    expect((await page.getByTestId('start').textContent())?.trim()).toBe('Chat starten')
    expect(await page.getByTestId('ui-language').inputValue()).toBe('de')
    expect(catalogues).toEqual(['de'])
    await context.close()
  })

  it('remembers the picked language across a reload, over the browser’s', async () => {
    const user = await openApp(browser, server.url)
    await choose(user.page, 'pt')
    await user.page.reload()
    await user.page.locator('html[lang="pt"]').waitFor()
    expect(await user.page.getByTestId('ui-language').inputValue()).toBe('pt')
    expect((await user.page.getByTestId('start').textContent())?.trim()).toBe('Começar a conversar')
    await closeUsers(user)
  })

  it('switches live in a chat: the chat, its messages and the draft stay', async () => {
    const [a, b] = [await openApp(browser, server.url), await openApp(browser, server.url)]
    await pairUp(a, b, 'any')
    await send(a, 'hola')
    await expect.poll(() => messages(b, 'them').count()).toBe(1)
    await a.page.getByTestId('message-input').fill('a draft')
    await choose(a.page, 'es')
    expect((await a.page.getByTestId('send').textContent())?.trim()).toBe('Enviar')
    expect((await a.page.getByTestId('end').textContent())?.trim()).toBe('Terminar')
    await expectState(a, 'chatting')
    expect(await messages(a, 'me').allTextContents()).toEqual([expect.stringContaining('hola')])
    expect(await a.page.getByTestId('message-input').inputValue()).toBe('a draft')
    await choose(a.page, 'en')
    expect((await a.page.getByTestId('send').textContent())?.trim()).toBe('Send')
    await closeUsers(a, b)
  })
})

describe('Arabic', () => {
  let a: AppUser
  let b: AppUser

  beforeAll(async () => {
    ;[a, b] = [await openApp(browser, server.url), await openApp(browser, server.url)]
    await choose(a.page, 'ar')
    await pairUp(a, b, 'any')
  })
  afterAll(() => closeUsers(a, b))

  it('is right to left, and the chat is mirrored: Send on the left, my bubbles on the left', async () => {
    expect(await html(a.page)).toEqual({ lang: 'ar', dir: 'rtl' })
    const sendBox = (await a.page.getByTestId('send').boundingBox())!
    const inputBox = (await a.page.getByTestId('message-input').boundingBox())!
    expect(sendBox.x + sendBox.width).toBeLessThanOrEqual(inputBox.x + 1)
    await send(a, 'مرحبا')
    await send(b, 'hello')
    await expect.poll(() => messages(a).count()).toBe(2)
    const mine = (await messages(a, 'me').boundingBox())!
    const theirs = (await messages(a, 'them').boundingBox())!
    expect(mine.x).toBeLessThan(theirs.x)
    // The other person's page is still left to right.
    const bMine = (await messages(b, 'me').boundingBox())!
    const bTheirs = (await messages(b, 'them').boundingBox())!
    expect(bMine.x).toBeGreaterThan(bTheirs.x)
    expect((await a.page.getByTestId('send').textContent())?.trim()).toBe('إرسال')
  })
})
