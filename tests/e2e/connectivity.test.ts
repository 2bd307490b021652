/// <reference lib="dom" />
// Every pair connects and every chat survives the network: the server's encrypted relay when no peer
// connection can be made, a chat moving between paths without losing a message, and session resume.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../support/browser.ts'
import { blockPeerTraffic, unblockPeerTraffic } from '../support/firewall.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'
import {
  closeUsers,
  expectPeerPath,
  expectState,
  messages,
  notices,
  openApp,
  pairUp,
  path,
  savedStatuses,
  send,
  type AppUser,
} from '../support/app.ts'

let server: TestServer
let shortGrace: TestServer
let browser: Browser
let otherBrowser: Browser
const users: AppUser[] = []

beforeAll(async () => {
  server = await startTestServer({ STATIC_DIR: 'app/dist' })
  shortGrace = await startTestServer({ STATIC_DIR: 'app/dist', RESUME_GRACE_S: '2' })
  ;[browser, otherBrowser] = await Promise.all([launchBrowser(), launchBrowser()])
})
afterEach(async () => {
  unblockPeerTraffic()
  await closeUsers(...users.splice(0))
})
afterAll(async () => {
  await closeBrowsers()
  await closeAll()
})

async function user(on: Browser, at: TestServer = server): Promise<AppUser> {
  const opened = await openApp(on, at.url, { watchTransports: true })
  users.push(opened)
  return opened
}

/** Turns "Hide my IP address" on: without TURN, the chat then runs over the server's relay only. */
async function hideIp(u: AppUser): Promise<void> {
  await u.page.getByTestId('hide-ip').check()
}

const texts = (u: AppUser, from: 'me' | 'them') => messages(u, from).locator('.text').allTextContents()
const safetyCode = (u: AppUser) => u.page.getByTestId('safety-code').textContent()

/** Every frame the page sent to the signaling server, as one string per encoding a text could hide in. */
async function sentToServer(u: AppUser): Promise<string> {
  const frames = await u.page.evaluate(() => window.__toServer ?? [])
  return frames
    .flatMap((frame) => {
      const bytes = Buffer.from(frame)
      return [
        bytes.toString('utf8'),
        bytes.toString('latin1'),
        bytes.toString('utf16le'),
        bytes.toString('base64'),
        bytes.toString('hex'),
      ]
    })
    .join('\n')
}

/** How a text would look in each encoding a frame could carry it in. */
const encodings = (text: string) => {
  const bytes = Buffer.from(text)
  return [text, bytes.toString('base64'), bytes.toString('hex'), Buffer.from(text, 'utf16le').toString('latin1')]
}

describe('no peer connection possible (UDP and peer TCP blocked)', () => {
  it('chats through the server’s relay, and no frame to the server carries the text in any encoding', async () => {
    blockPeerTraffic(Number(new URL(server.url).port))
    const a = await user(browser)
    const b = await user(otherBrowser)
    await pairUp(a, b, 'any')
    expect(await path(a)).toBe('server')
    await expect.poll(() => a.page.getByTestId('link-path').textContent()).toBe('via the server')
    const secrets = ['relay-canary-51c2 ünïcödé', 'second secret 7d1e']
    await send(a, secrets[0]!)
    await send(b, secrets[1]!)
    await expect.poll(() => texts(b, 'them')).toEqual([secrets[0]])
    await expect.poll(() => texts(a, 'them')).toEqual([secrets[1]])
    await expect.poll(() => messages(a, 'me').first().getAttribute('data-status')).toBe('delivered')
    expect(await path(a)).toBe('server') // the peer connection never came up
    for (const u of [a, b]) {
      const sent = await sentToServer(u)
      expect(sent).toContain('relay:frame')
      for (const secret of secrets) for (const encoded of encodings(secret)) expect(sent).not.toContain(encoded)
    }
  })
})

describe('Hide my IP address without TURN', () => {
  it('never makes a peer connection: the chat runs over the server’s relay', async () => {
    const a = await user(browser)
    const b = await user(otherBrowser)
    for (const u of [a, b]) {
      expect(await u.page.getByTestId('hide-ip').isChecked()).toBe(false) // off by default without TURN
      await hideIp(u)
    }
    await pairUp(a, b, 'any')
    await send(a, 'nobody learns my address')
    await expect.poll(() => texts(b, 'them')).toEqual(['nobody learns my address'])
    await send(b, 'nor mine')
    await expect.poll(() => texts(a, 'them')).toEqual(['nor mine'])
    for (const u of [a, b]) {
      expect(await path(u)).toBe('server')
      expect(await u.page.evaluate(() => window.__peerConnections?.length)).toBe(0)
    }
  })
})

describe('the data channel failing mid-chat (a network change)', () => {
  it('goes on over the relay, loses, repeats and reorders nothing, and returns to a direct path', async () => {
    const a = await user(browser)
    const b = await user(otherBrowser)
    await pairUp(a, b)
    const codes = [await safetyCode(a), await safetyCode(b)]
    await send(a, 'before 1')
    await send(a, 'before 2')
    // The test cuts the data channel under the chat, and the messages keep coming around the cut.
    await a.page.evaluate(() => window.__dataChannels?.forEach((channel) => channel.close()))
    await send(a, 'around 1')
    await send(b, 'from b around the cut')
    await send(a, 'around 2')
    await expectPeerPath(a)
    await expectPeerPath(b)
    await send(a, 'after 1')
    const sent = ['before 1', 'before 2', 'around 1', 'around 2', 'after 1']
    await expect.poll(() => texts(b, 'them')).toEqual(sent)
    await expect.poll(() => texts(a, 'them')).toEqual(['from b around the cut'])
    await expect
      .poll(() => messages(a, 'me').evaluateAll((list) => list.map((m) => m.getAttribute('data-status'))))
      .toEqual(sent.map(() => 'delivered'))
    expect([await safetyCode(a), await safetyCode(b)]).toEqual(codes)
    // Nothing twice in history either.
    await expect.poll(async () => (await savedStatuses(b)).length).toBe(sent.length + 1)
  })
})

describe('the signaling connection dropping mid-chat over the relay', () => {
  it('resumes the session, and the chat goes on; the partner notices nothing', async () => {
    const a = await user(browser)
    const b = await user(otherBrowser)
    for (const u of [a, b]) await hideIp(u)
    await pairUp(a, b, 'any')
    const before = await notices(b)
    await a.page.evaluate(() => window.__sockets?.at(-1)?.close())
    await send(a, 'are you still there?')
    await expect.poll(() => texts(b, 'them')).toEqual(['are you still there?'])
    await send(b, 'yes, nothing happened here')
    await expect.poll(() => texts(a, 'them')).toEqual(['yes, nothing happened here'])
    await expect.poll(() => messages(a, 'me').first().getAttribute('data-status')).toBe('delivered')
    expect(await a.page.evaluate(() => window.__sockets?.length)).toBeGreaterThanOrEqual(2) // it did reconnect
    expect(await notices(b)).toEqual(before)
    await expectState(b, 'chatting')
  })

  it('ends the chat for the partner, as disconnected, when the grace runs out', async () => {
    const a = await user(browser, shortGrace)
    const b = await user(otherBrowser, shortGrace)
    for (const u of [a, b]) await hideIp(u)
    await pairUp(a, b, 'any')
    await a.page.evaluate(() => {
      window.__blockSignaling = true
      window.__sockets?.at(-1)?.close()
    })
    await expectState(b, 'ended', 15_000)
    await expect.poll(() => b.page.locator('.ended p').textContent()).toBe('The stranger disconnected.')
  })
})
