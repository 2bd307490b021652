/// <reference lib="dom" />
// Notifications and sound for a tab in the background, in real pages: a recorder stands in for the
// browser's Notification (headless Chromium shows none) and notes every WebAudio oscillator started; the
// tab's visibility is set through document.visibilityState and a visibilitychange event, as a switch of tabs does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../support/browser.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'
import { closeUsers, lastText, openApp, pairUp, send, type AppUser } from '../support/app.ts'

interface Recorded {
  title: string
  body?: string
  tag?: string
  closed: boolean
}

declare global {
  interface Window {
    __notifications: Recorded[]
    __shown: { onclick: ((event: Event) => void) | null }[]
    __permissionRequests: number
    __oscillators: number
    __focused: number
    __setHidden(hidden: boolean): void
  }
}

/** Page source, before the app: the recorder, the visibility switch, and what the person set earlier. */
function instrument(options: { answer: NotificationPermission; notify: boolean }): void {
  // The browser remembers a permission across loads: so does the recorder (in this origin's storage).
  const permissionKey = 'test.permission'
  window.__notifications = []
  window.__shown = []
  window.__permissionRequests = 0
  window.__oscillators = 0
  window.__focused = 0
  if (options.notify) {
    localStorage.setItem(permissionKey, 'granted')
    localStorage.setItem('hush.notify', '1')
  }
  class RecordingNotification {
    static get permission(): NotificationPermission {
      return (localStorage.getItem(permissionKey) as NotificationPermission | null) ?? 'default'
    }
    static async requestPermission(): Promise<NotificationPermission> {
      window.__permissionRequests += 1
      localStorage.setItem(permissionKey, options.answer)
      return options.answer
    }
    onclick: ((event: Event) => void) | null = null
    readonly #record: Recorded
    constructor(title: string, init: NotificationOptions = {}) {
      this.#record = { title, body: init.body, tag: init.tag, closed: false }
      window.__notifications.push(this.#record)
      window.__shown.push(this)
    }
    close(): void {
      this.#record.closed = true
    }
  }
  Object.defineProperty(window, 'Notification', { value: RecordingNotification, configurable: true, writable: true })
  const start = OscillatorNode.prototype.start
  OscillatorNode.prototype.start = function (this: OscillatorNode, when?: number) {
    window.__oscillators += 1
    return start.call(this, when)
  }
  const focus = window.focus.bind(window)
  window.focus = () => {
    window.__focused += 1
    focus()
  }
  let hidden = false
  Object.defineProperty(Document.prototype, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible') })
  Object.defineProperty(Document.prototype, 'hidden', { get: () => hidden })
  window.__setHidden = (value) => {
    hidden = value
    document.dispatchEvent(new Event('visibilitychange'))
  }
}

const script = (options: Parameters<typeof instrument>[0]) => `(${instrument.toString()})(${JSON.stringify(options)})`

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

async function open(options: Parameters<typeof instrument>[0], on: Browser = browser): Promise<AppUser> {
  const user = await openApp(on, server.url, { initScript: script(options) })
  users.push(user)
  return user
}

/** A stranger in a browser of their own, without the recorder. */
async function stranger(): Promise<AppUser> {
  const user = await openApp(otherBrowser, server.url)
  users.push(user)
  return user
}

const recorded = (user: AppUser) => user.page.evaluate(() => window.__notifications)
const oscillators = (user: AppUser) => user.page.evaluate(() => window.__oscillators)
const setHidden = (user: AppUser, hidden: boolean) => user.page.evaluate((value) => window.__setHidden(value), hidden)
const partnerName = (user: AppUser) => user.page.getByTestId('my-name').first().textContent()

/** b says `text` and a's page shows it. */
async function say(b: AppUser, a: AppUser, text: string): Promise<void> {
  await send(b, text)
  await expect.poll(() => lastText(a, 'them')).toBe(text)
}

describe('notifications and sound', () => {
  it('asks for permission only when the toggle is clicked, and remembers the choice', async () => {
    const user = await open({ answer: 'granted', notify: false })
    const toggle = user.page.getByTestId('notify-toggle')
    expect(await toggle.isChecked()).toBe(false)
    expect(await user.page.evaluate(() => window.__permissionRequests)).toBe(0)
    await toggle.click()
    await expect.poll(() => toggle.isChecked()).toBe(true)
    expect(await user.page.evaluate(() => window.__permissionRequests)).toBe(1)
    // Off by default; on, sound by default.
    expect(await user.page.getByTestId('notify-preview').isChecked()).toBe(false)
    expect(await user.page.getByTestId('sound-toggle').isChecked()).toBe(true)

    await user.page.reload()
    await user.page
      .getByTestId('my-name')
      .filter({ hasText: /\w+ \w+/ })
      .waitFor()
    expect(await user.page.getByTestId('notify-toggle').isChecked()).toBe(true)
    expect(await user.page.evaluate(() => window.__permissionRequests)).toBe(0)
  })

  it('says so when the browser refuses, and leaves the toggle off', async () => {
    const user = await open({ answer: 'denied', notify: false })
    const toggle = user.page.getByTestId('notify-toggle')
    await toggle.click()
    await user.page.getByTestId('notify-hint').filter({ hasText: 'blocked' }).waitFor()
    expect(await toggle.isChecked()).toBe(false)
    expect(await user.page.evaluate(() => window.__permissionRequests)).toBe(1)
  })

  it('notifies a match and a message while hidden, without the text, with a sound; nothing while visible', async () => {
    const a = await open({ answer: 'granted', notify: true })
    const b = await stranger()
    const bName = await partnerName(b)
    await setHidden(a, true)
    await pairUp(a, b, 'any')
    await expect.poll(async () => (await recorded(a)).map((n) => n.title)).toEqual([`Matched with ${bName}`])
    await say(b, a, 'a private thought')
    await expect.poll(async () => (await recorded(a)).length).toBe(2)
    const [matched, message] = await recorded(a)
    expect(message).toMatchObject({ title: `${bName} sent a message`, tag: 'hush' })
    expect(message!.body).toBeUndefined()
    expect(JSON.stringify(await recorded(a))).not.toContain('a private thought')
    expect(matched!.tag).toBe('hush')
    expect(await oscillators(a)).toBeGreaterThan(0)

    // In view: the notification goes away, and nothing new is raised or played.
    await setHidden(a, false)
    expect((await recorded(a))[1]!.closed).toBe(true)
    const played = await oscillators(a)
    await say(b, a, 'seen in the tab')
    await say(b, a, 'and this too')
    expect(await recorded(a)).toHaveLength(2)
    expect(await oscillators(a)).toBe(played)
  })

  it('shows the text with preview on, and focuses the tab when the notification is clicked', async () => {
    const a = await open({ answer: 'granted', notify: true })
    const b = await stranger()
    const bName = await partnerName(b)
    await a.page.getByTestId('notify-preview').check()
    await pairUp(a, b, 'any')
    expect(await recorded(a)).toEqual([]) // matched in view
    await setHidden(a, true)
    await say(b, a, 'hello from the other side')
    await expect
      .poll(() => recorded(a))
      .toEqual([{ title: bName, body: 'hello from the other side', tag: 'hush', closed: false }])
    await a.page.evaluate(() => window.__shown[0]!.onclick?.(new Event('click')))
    expect(await a.page.evaluate(() => window.__focused)).toBe(1)
    expect((await recorded(a))[0]!.closed).toBe(true)
  })

  it('plays no sound with sound off, and shows nothing without notifications on', async () => {
    const a = await open({ answer: 'granted', notify: false })
    const b = await stranger()
    await a.page.getByTestId('sound-toggle').uncheck()
    await setHidden(a, true)
    await pairUp(a, b, 'any')
    await say(b, a, 'quiet please')
    expect(await oscillators(a)).toBe(0)
    expect(await recorded(a)).toEqual([])
    expect(await a.page.evaluate(() => window.__permissionRequests)).toBe(0)
  })
})
