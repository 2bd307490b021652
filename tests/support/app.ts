/// <reference lib="dom" />
// Browser-side callbacks (page.evaluate, init scripts) run in the page: DOM types apply there.
// Drives the real app UI in Chromium: one helper per user action, every wait on a locator or poll.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { newUserContext } from './browser.ts'

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
  /** Keeps the page's peer connections, data channels and WebSockets, and a copy of what it sends to the server. */
  watchTransports?: boolean
  /** Whether this person accepted the rules on an earlier visit (default true; false shows the gate). */
  rulesAccepted?: boolean
  /** Sent as X-Forwarded-For with every request: this person's address for a server with TRUST_PROXY. */
  forwardedFor?: string
}

declare global {
  interface Window {
    __sentFrames?: number[][]
    /** The data channels frames were sent on (with captureFrames): lets a test inject raw frames. */
    __channels?: Set<RTCDataChannel>
    __pwned?: number
    __peerConnections?: RTCPeerConnection[]
    __dataChannels?: RTCDataChannel[]
    __sockets?: WebSocket[]
    /** Every frame the page sent to the signaling server, as bytes. */
    __toServer?: number[][]
    /** Set by a test: new WebSockets fail, as if the server could not be reached. */
    __blockSignaling?: boolean
  }
}

export async function openApp(browser: Browser, url: string, options: OpenOptions = {}): Promise<AppUser> {
  const context = await newUserContext(browser, url, options.rulesAccepted, options.forwardedFor)
  const requests = options.requests
  if (requests) context.on('request', (request) => requests.push(request.url()))
  if (options.captureFrames) await context.addInitScript(captureDataChannelFrames)
  if (options.initScript) await context.addInitScript(options.initScript)
  if (options.watchTransports) await context.addInitScript(watchTransports)
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

/** Runs in the page before the app: keeps its transports, so that a test can read, close or cut them. */
function watchTransports(): void {
  const connections: RTCPeerConnection[] = []
  const channels: RTCDataChannel[] = []
  const sockets: WebSocket[] = []
  const toServer: number[][] = []
  Object.assign(window, {
    __peerConnections: connections,
    __dataChannels: channels,
    __sockets: sockets,
    __toServer: toServer,
  })
  const OriginalPeer = window.RTCPeerConnection
  window.RTCPeerConnection = class extends OriginalPeer {
    constructor(config?: RTCConfiguration) {
      super(config)
      connections.push(this)
      this.addEventListener('datachannel', (event) => channels.push(event.channel))
    }
    override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
      const channel = super.createDataChannel(label, init)
      channels.push(channel)
      return channel
    }
  }
  const OriginalSocket = window.WebSocket
  window.WebSocket = class extends OriginalSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      // A dead port: the connection fails at once, like a server out of reach.
      super(window.__blockSignaling ? 'ws://127.0.0.1:9/' : url, protocols)
      sockets.push(this)
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (typeof data === 'string') toServer.push([...new TextEncoder().encode(data)])
      else if (data instanceof ArrayBuffer) toServer.push([...new Uint8Array(data)])
      else if (ArrayBuffer.isView(data))
        toServer.push([...new Uint8Array(data.buffer, data.byteOffset, data.byteLength)])
      super.send(data as never)
    }
  }
}

/** The path the chat uses now, as the root says (`direct`, `turn`, `server`, `none`). */
export const path = (user: AppUser) => user.page.getByTestId('app').getAttribute('data-path')

export const state = (user: AppUser) => user.page.getByTestId('app').getAttribute('data-state')

/** Waits for the root's data-state (a locator wait, so it also works in hooks). */
export async function expectState(user: AppUser, expected: string, timeout = 15_000): Promise<void> {
  await user.page.locator(`[data-testid="app"][data-state="${expected}"]`).waitFor({ timeout })
}

export async function start(user: AppUser): Promise<void> {
  await user.page.getByTestId('start').click()
}

/**
 * a searches first, then b; resolves when both are chatting and, unless `settle` is 'any', once the chat
 * has moved onto a data channel (it starts on the server's relay while one is being made).
 */
export async function pairUp(a: AppUser, b: AppUser, settle: 'peer' | 'any' = 'peer'): Promise<void> {
  await start(a)
  await expectState(a, 'searching')
  await start(b)
  await Promise.all([expectState(a, 'chatting'), expectState(b, 'chatting')])
  if (settle === 'peer') await Promise.all([a, b].map((user) => expectPeerPath(user)))
}

/** Waits until the chat runs over a data channel, direct or through TURN. */
export async function expectPeerPath(user: AppUser, timeout = 15_000): Promise<void> {
  await user.page.locator('[data-testid="app"]:is([data-path="direct"], [data-path="turn"])').waitFor({ timeout })
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
