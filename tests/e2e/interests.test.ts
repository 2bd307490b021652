// Meeting someone who shares an interest, in real browsers: chips in the lobby, the shared ones in the
// chat header, a search that says when it opens to anyone, and popular interests one click away.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../support/browser.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'
import { closeUsers, expectState, openApp, start, type AppUser } from '../support/app.ts'
import { pause } from '../support/timing.ts'

let server: TestServer
/** A server whose wait for a shared interest is short: the fallback is part of what is tested. */
let quick: TestServer
let browser: Browser
const quickWaitMs = 1_000
const users: AppUser[] = []

beforeAll(async () => {
  server = await startTestServer({ STATIC_DIR: 'app/dist' })
  quick = await startTestServer({ STATIC_DIR: 'app/dist', INTEREST_WAIT_MS: String(quickWaitMs) })
  browser = await launchBrowser()
})
afterEach(async () => {
  await closeUsers(...users.splice(0))
})
afterAll(async () => {
  await closeBrowsers()
  await closeAll()
})

async function user(on: TestServer = server): Promise<AppUser> {
  const opened = await openApp(browser, on.url)
  users.push(opened)
  return opened
}

async function addInterests(person: AppUser, text: string): Promise<void> {
  const input = person.page.getByTestId('interests')
  await input.fill(text)
  await input.press('Enter')
}

const chips = (person: AppUser) => person.page.getByTestId('interest-chip').allTextContents()

describe('interests', () => {
  it('pairs two who share one, before a stranger who waited longer, and both see it', async () => {
    const waiting = await user()
    await start(waiting)
    await expectState(waiting, 'searching')
    const a = await user()
    const b = await user()
    await addInterests(a, 'Chess, board games')
    await addInterests(b, 'jazz,CHESS')
    expect((await chips(a)).map((chip) => chip.replace('×', '').trim())).toEqual(['chess', 'board games'])
    await start(a)
    await expect.poll(() => a.page.locator('.searching').textContent()).toContain('Looking for someone into chess')
    await start(b)
    await Promise.all([expectState(a, 'chatting'), expectState(b, 'chatting')])
    await expect.poll(() => a.page.getByTestId('common-interests').textContent()).toBe('You both like chess')
    await expect.poll(() => b.page.getByTestId('common-interests').textContent()).toBe('You both like chess')
    // The one who gave none was not taken instead, and is still waiting.
    await expectState(waiting, 'searching')
  })

  it('opens a search to anyone after the wait, says so, and shows no shared interest at random', async () => {
    const a = await user(quick)
    const b = await user(quick)
    await addInterests(a, 'astronomy')
    await start(a)
    await expect.poll(() => a.page.locator('.searching').textContent()).toContain('looking for anyone')
    await start(b)
    await Promise.all([expectState(a, 'chatting'), expectState(b, 'chatting')])
    await expect.poll(() => a.page.getByTestId('common-interests').count()).toBe(0)
  })

  it('keeps a strict search for a shared interest, and remembers the choices in this browser', async () => {
    const a = await user(quick)
    const b = await user(quick)
    await addInterests(a, 'origami')
    await a.page.getByTestId('interests-strict').check()
    await a.page.getByTestId('match-lang').selectOption('en')
    await start(a)
    await expect
      .poll(() => a.page.locator('.searching').textContent())
      .toContain('Looking only for someone into origami')
    await start(b)
    await expectState(b, 'searching')
    // Well past the wait, the strict one is still not offered to someone who shares nothing.
    await pause(quickWaitMs + 1_000)
    expect(await a.page.locator('.searching').textContent()).not.toContain('anyone')
    await expectState(a, 'searching')
    await expectState(b, 'searching')
    await a.page.getByTestId('cancel').click()
    await a.page.reload()
    await expect.poll(() => chips(a)).toHaveLength(1)
    expect(await a.page.getByTestId('interests-strict').isChecked()).toBe(true)
    expect(await a.page.getByTestId('match-lang').inputValue()).toBe('en')
  })

  it('offers the interests many search for now; a click adds one', async () => {
    const searchers = await Promise.all([user(), user(), user()])
    for (const searcher of searchers) {
      await addInterests(searcher, 'football')
      await searcher.page.getByTestId('interests-strict').check()
      await searcher.page.getByTestId('match-lang').selectOption(['de', 'fr', 'es'][searchers.indexOf(searcher)]!)
      await start(searcher)
    }
    const newcomer = await user()
    const popular = newcomer.page.getByTestId('popular-interests')
    await popular.getByRole('button', { name: /football/ }).click()
    expect((await chips(newcomer)).map((chip) => chip.replace('×', '').trim())).toEqual(['football'])
  })
})
