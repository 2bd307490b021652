/// <reference lib="dom" />
// Keyboard-only use, a 360 px wide screen, light and dark themes, and no request leaving the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../support/browser.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'
import { closeUsers, expectState, lastText, openApp, pairUp, send, state, type AppUser } from '../support/app.ts'

let server: TestServer
let browserA: Browser
let browserB: Browser
let a: AppUser
let b: AppUser
const requested: string[] = []

beforeAll(async () => {
  server = await startTestServer({ STATIC_DIR: 'app/dist' })
  ;[browserA, browserB] = await Promise.all([launchBrowser(), launchBrowser()])
  a = await openApp(browserA, server.url, { requests: requested })
  b = await openApp(browserB, server.url, { requests: requested })
})
afterAll(async () => {
  await closeUsers(a, b)
  await closeBrowsers()
  await closeAll()
})

const focusedTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null)

/** Presses Tab until the control with this test id has focus (as a keyboard user would), at most 15 times. */
async function tabTo(page: Page, testId: string): Promise<void> {
  for (let i = 0; i < 15 && (await focusedTestId(page)) !== testId; i++) await page.keyboard.press('Tab')
  expect(await focusedTestId(page)).toBe(testId)
  // Keyboard focus is visible: an outline (our :focus-visible ring), not the browser's nothing.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)
  expect(outline).not.toBe('none')
}

describe('keyboard only', () => {
  it('starts, chats, ends and starts again without a pointer', async () => {
    await tabTo(a.page, 'start')
    await a.page.keyboard.press('Enter')
    await expectState(a, 'searching')
    // Start is gone: the keyboard is on Cancel, which took its place, not back at the top of the page.
    await expect.poll(() => focusedTestId(a.page)).toBe('cancel')
    await tabTo(b.page, 'start')
    await b.page.keyboard.press('Space')
    await Promise.all([expectState(a, 'chatting'), expectState(b, 'chatting')])

    // The composer takes focus when the chat opens: type and send at once.
    await expect.poll(() => focusedTestId(a.page)).toBe('message-input')
    await a.page.keyboard.type('typed, never clicked')
    await a.page.keyboard.press('Enter')
    await expect.poll(() => lastText(b, 'them')).toBe('typed, never clicked')

    await tabTo(b.page, 'end')
    await b.page.keyboard.press('Enter')
    await Promise.all([expectState(a, 'ended'), expectState(b, 'ended')])
    // "New chat" is where the keyboard is after the end.
    await tabTo(b.page, 'start')
    await b.page.keyboard.press('Enter')
    await expectState(b, 'searching')
    await tabTo(b.page, 'cancel')
    await b.page.keyboard.press('Enter')
    await expectState(b, 'idle')
    await expect.poll(() => focusedTestId(b.page)).toBe('start')
  })
})

describe('the chat ends while I am typing', () => {
  it('keeps my draft and my keyboard in it: Space and Enter do not start a chat with a stranger', async () => {
    const c = await openApp(browserA, server.url, { requests: requested })
    const d = await openApp(browserB, server.url, { requests: requested })
    await pairUp(c, d)
    await expect.poll(() => focusedTestId(c.page)).toBe('message-input')
    await c.page.keyboard.type('half a thou')
    await d.page.getByTestId('end').click()
    await expectState(c, 'ended')
    // Said, not shown by moving focus: the polite announcement carries the end.
    await expect.poll(() => c.page.getByTestId('announcement').textContent()).toMatch(/left the chat/)
    expect(await focusedTestId(c.page)).toBe('message-input')
    await c.page.keyboard.type('ght')
    await c.page.keyboard.press('Space')
    await c.page.keyboard.press('Enter')
    expect(await state(c)).toBe('ended')
    expect(await c.page.getByTestId('message-input').inputValue()).toBe('half a thou')
    // Moving on is a choice: Tab reaches New chat, and Cancel takes over from it.
    await tabTo(c.page, 'start')
    await c.page.keyboard.press('Enter')
    await expectState(c, 'searching')
    await expect.poll(() => focusedTestId(c.page)).toBe('cancel')
    await c.page.keyboard.press('Enter')
    await expectState(c, 'idle')
    expect([...c.problems, ...d.problems]).toEqual([])
    await closeUsers(c, d)
  })
})

describe('History over a chat', () => {
  /** Test ids that more than one visible element carries (lists excepted): a locator would be ambiguous. */
  const visibleTwice = (page: Page) =>
    page.evaluate(() => {
      const seen = new Map<string, number>()
      for (const el of document.querySelectorAll<HTMLElement>('[data-testid]')) {
        const id = el.dataset['testid']!
        // One per message, notice or chat by design; everything else must appear once.
        const perItem = ['message', 'notice', 'history-item', 'message-actions', 'reaction', 'reply-quote', 'image']
        if (el.checkVisibility() && !perItem.includes(id)) seen.set(id, (seen.get(id) ?? 0) + 1)
      }
      return [...seen].filter(([, count]) => count > 1).map(([id]) => id)
    })
  const toggleText = (user: AppUser) => user.page.getByTestId('history-open').textContent()

  it('keeps the chat and its draft under History, counts what arrives meanwhile, and says where Back goes', async () => {
    const c = await openApp(browserA, server.url, { requests: requested })
    const d = await openApp(browserB, server.url, { requests: requested })
    // From the lobby there is no chat to go back to.
    await c.page.getByTestId('history-open').click()
    await expect.poll(() => toggleText(c)).toMatch(/^\s*Back\s*$/)
    // Its Close button goes with it: focus returns to the toggle rather than to the top of the page.
    await c.page.getByTestId('history-close').click()
    await expect.poll(() => focusedTestId(c.page)).toBe('history-open')

    await pairUp(c, d)
    const dName = await d.page.getByTestId('my-name').textContent()
    await c.page.getByTestId('message-input').fill('a draft in progress')
    await c.page.getByTestId('history-open').click()
    await expect.poll(() => toggleText(c)).toMatch(/^\s*Back to chat\s*$/)
    expect(await c.page.getByTestId('message-input').isVisible()).toBe(false)
    expect(await visibleTwice(c.page)).toEqual([])
    await send(d, 'one')
    await send(d, 'two')
    await expect.poll(() => toggleText(c)).toMatch(/Back to chat \(2\)/)
    expect(await c.page.getByTestId('history-open').getAttribute('aria-label')).toBe('Back to chat, 2 unread messages')
    // A screen reader hears them there too, once each.
    await expect
      .poll(() => c.page.getByTestId('message-announcer').locator('p').allTextContents())
      .toEqual([`${dName}: one`, `${dName}: two`])

    // Esc, Esc under History is not a skip: the chat is out of sight (Esc is how many close a panel).
    await c.page.keyboard.press('Escape')
    await c.page.keyboard.press('Escape')
    expect(await c.page.getByTestId('app').getAttribute('data-state')).toBe('chatting')
    await c.page.getByTestId('history-open').click()
    await expect.poll(() => toggleText(c)).toMatch(/^\s*History\s*$/)
    expect(await c.page.getByTestId('message-input').inputValue()).toBe('a draft in progress')
    expect(await lastText(c, 'them')).toBe('two')
    expect(await c.page.title()).toBe('Hush')
    expect(await visibleTwice(c.page)).toEqual([])
    // The same chat, never remounted: Esc, Esc still skips.
    await c.page.getByTestId('message-input').press('Escape')
    await c.page.getByTestId('message-input').press('Escape')
    await expectState(c, 'searching')
    expect([...c.problems, ...d.problems]).toEqual([])
    await closeUsers(c, d)
  })
})

describe('keyboard shortcut', () => {
  it('skips on Esc, Esc (one Esc only arms it, so a stray key never ends a chat)', async () => {
    const c = await openApp(browserA, server.url, { requests: requested })
    const d = await openApp(browserB, server.url, { requests: requested })
    await c.page.getByTestId('start').click()
    await d.page.getByTestId('start').click()
    await Promise.all([expectState(c, 'chatting'), expectState(d, 'chatting')])
    // A held Esc (its auto-repeat) arms, but never fires, the skip.
    await c.page.keyboard.down('Escape')
    await c.page.keyboard.down('Escape')
    await c.page.keyboard.down('Escape')
    await c.page.keyboard.up('Escape')
    await expect.poll(() => c.page.getByTestId('skip').textContent()).toMatch(/Esc again/)
    expect(await c.page.getByTestId('app').getAttribute('data-state')).toBe('chatting')
    await c.page.keyboard.press('Escape')
    await expectState(c, 'searching')
    await expectState(d, 'ended')
    await expect
      .poll(() => d.page.getByTestId('notice').allTextContents())
      .toContainEqual(expect.stringMatching(/skipped/))
    expect([...c.problems, ...d.problems]).toEqual([])
    await closeUsers(c, d)
  })
})

describe('small screens and themes', () => {
  const fitsWidth = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)

  it('fits a 360 px wide screen in the lobby and in a chat, composer in view', async () => {
    // A new stranger: a and b just chatted, and nobody is matched again with the one they just left.
    const c = await openApp(browserB, server.url, { requests: requested })
    await a.page.setViewportSize({ width: 360, height: 640 })
    expect(await fitsWidth(a.page)).toBe(true)
    await a.page.getByTestId('start').click()
    await c.page.getByTestId('start').click()
    await Promise.all([expectState(a, 'chatting'), expectState(c, 'chatting')])
    await c.page.getByTestId('message-input').fill('a long line '.repeat(30))
    await c.page.getByTestId('message-input').press('Enter')
    await expect.poll(() => lastText(a, 'them')).toMatch(/^a long line/)
    expect(await fitsWidth(a.page)).toBe(true)
    for (const id of ['message-input', 'send', 'skip', 'end', 'safety-code']) {
      const box = await a.page.getByTestId(id).boundingBox()
      expect(box, id).not.toBeNull()
      expect(box!.x).toBeGreaterThanOrEqual(0)
      expect(box!.x + box!.width).toBeLessThanOrEqual(360)
      expect(box!.y + box!.height).toBeLessThanOrEqual(640)
    }
    expect(c.problems).toEqual([])
    await closeUsers(c)
  })

  it('follows the system theme, light or dark', async () => {
    const background = () =>
      a.page.evaluate(() => {
        const [r, g, bl] = getComputedStyle(document.documentElement).backgroundColor.match(/\d+/g)!.map(Number)
        return (0.2126 * r! + 0.7152 * g! + 0.0722 * bl!) / 255
      })
    await a.page.emulateMedia({ colorScheme: 'dark' })
    expect(await background()).toBeLessThan(0.25)
    await a.page.emulateMedia({ colorScheme: 'light' })
    expect(await background()).toBeGreaterThan(0.75)
  })

  it('never requested anything but its own server', () => {
    expect(requested.length).toBeGreaterThan(0)
    const foreign = requested.filter((url) => new URL(url).origin !== new URL(server.url).origin)
    expect(foreign).toEqual([])
  })

  it('raised no console errors and no CSP violations', () => {
    expect(a.problems).toEqual([])
    expect(b.problems).toEqual([])
  })
})
