/// <reference lib="dom" />
// Browser-side callbacks (page.evaluate, init scripts) run in the page: DOM types apply there.
// Drives the real app UI in Chromium: one helper per user action, every wait on a locator or poll.
import type { Browser, BrowserContext, Page } from 'playwright-core'

export interface AppUser {
  context: BrowserContext
  page: Page
  /** Console errors and page errors (CSP violations land here). */
  problems: string[]
}

export interface OpenOptions {
  /** Records every RTCDataChannel.send payload (as bytes) in window.__sentFrames. */
  captureFrames?: boolean
  /** Page source run before the app's own scripts (benchmark instrumentation). */
  initScript?: string
  /** Whether to wait until the server has named us (false: a connection the server may refuse). */
  waitForName?: boolean
  /** Collects the URL of every request the page makes, from its very first. */
  requests?: string[]
}

declare global {
  interface Window {
    __sentFrames?: number[][]
    /** The data channels frames were sent on (with captureFrames): lets a test inject raw frames. */
    __channels?: Set<RTCDataChannel>
    __pwned?: number
  }
}

export async function openApp(browser: Browser, url: string, options: OpenOptions = {}): Promise<AppUser> {
  const context = await browser.newContext()
  const requests = options.requests
  if (requests) context.on('request', (request) => requests.push(request.url()))
  await context.grantPermissions(['camera', 'microphone'], { origin: new URL(url).origin })
  if (options.captureFrames) await context.addInitScript(captureDataChannelFrames)
  if (options.initScript) await context.addInitScript(options.initScript)
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content.Security.Policy/i.test(message.text())) problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(String(error)))
  await page.goto(url)
  if (options.waitForName === false) return { context, page, problems }
  await page
    .getByTestId('my-name')
    .filter({ hasText: /\w+ \w+/ })
    .waitFor()
  return { context, page, problems }
}

/** Runs in the page before the app: wraps RTCDataChannel.send to keep a copy of every frame. */
function captureDataChannelFrames(): void {
  const frames: number[][] = []
  const channels = new Set<RTCDataChannel>()
  window.__sentFrames = frames
  window.__channels = channels
  const original = RTCDataChannel.prototype.send
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: string | Blob | ArrayBuffer | ArrayBufferView) {
    channels.add(this)
    if (typeof data === 'string') frames.push([...new TextEncoder().encode(data)])
    else if (data instanceof ArrayBuffer) frames.push([...new Uint8Array(data)])
    else if (ArrayBuffer.isView(data)) frames.push([...new Uint8Array(data.buffer, data.byteOffset, data.byteLength)])
    return original.call(this, data as never)
  }
}

export const state = (user: AppUser) => user.page.getByTestId('app').getAttribute('data-state')

/** Waits for the root's data-state (a locator wait, so it also works in hooks). */
export async function expectState(user: AppUser, expected: string, timeout = 15_000): Promise<void> {
  await user.page.locator(`[data-testid="app"][data-state="${expected}"]`).waitFor({ timeout })
}

export async function start(user: AppUser): Promise<void> {
  await user.page.getByTestId('start').click()
}

/** a searches first, then b; resolves when both are chatting. */
export async function pairUp(a: AppUser, b: AppUser): Promise<void> {
  await start(a)
  await expectState(a, 'searching')
  await start(b)
  await Promise.all([expectState(a, 'chatting'), expectState(b, 'chatting')])
}

export async function send(user: AppUser, text: string): Promise<void> {
  const input = user.page.getByTestId('message-input')
  await input.fill(text)
  await input.press('Enter')
}

export const messages = (user: AppUser, from?: 'me' | 'them') =>
  user.page.locator(from ? `[data-testid="message"][data-from="${from}"]` : '[data-testid="message"]')

export async function lastText(user: AppUser, from: 'me' | 'them'): Promise<string | null> {
  const list = messages(user, from)
  const count = await list.count()
  return count === 0
    ? null
    : list
        .nth(count - 1)
        .locator('.text')
        .textContent()
}

export const notices = (user: AppUser) => user.page.getByTestId('notice').allTextContents()

export async function closeUsers(...users: (AppUser | undefined)[]): Promise<void> {
  await Promise.all(users.map((user) => user?.context.close().catch(() => {})))
}

/** Every message the app's IndexedDB store holds (its delivery status), read directly from the page. */
export const savedStatuses = (user: AppUser) =>
  user.page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('hush')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('chats')) return resolve([])
          const all = db.transaction('chats').objectStore('chats').getAll()
          all.onsuccess = () => {
            // Chunks are arrays of messages; a whole record (the first version's layout) has its own.
            const lists = (all.result as unknown[]).map((value) =>
              Array.isArray(value) ? value : ((value as { messages?: unknown[] }).messages ?? []),
            )
            resolve(lists.flat().map((message) => String((message as { status?: unknown }).status)))
            db.close()
          }
        }
      }),
  )

/** How many messages the app's IndexedDB store holds. */
export const savedMessageCount = async (user: AppUser) => (await savedStatuses(user)).length
