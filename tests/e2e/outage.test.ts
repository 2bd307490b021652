/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../support/browser.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'
import { startNode, stopAllNodes } from '../support/cluster.ts'
import {
  closeUsers,
  expectState,
  lastText,
  notices,
  openApp,
  pairUp,
  send,
  state,
  type AppUser,
} from '../support/app.ts'

let server: TestServer
let browserA: Browser
let browserB: Browser
let a: AppUser
let b: AppUser

beforeAll(async () => {
  server = await startTestServer({ STATIC_DIR: 'app/dist' })
  ;[browserA, browserB] = await Promise.all([launchBrowser(), launchBrowser()])
  a = await openApp(browserA, server.url)
  b = await openApp(browserB, server.url)
})
afterAll(async () => {
  await closeUsers(a, b)
  await stopAllNodes()
  await closeBrowsers()
  await closeAll()
})

describe('signaling server outage mid-chat', () => {
  it('keeps the chat going peer to peer and reconnects when the server returns', async () => {
    await pairUp(a, b)
    const port = new URL(server.url).port
    await server.close()

    await expect.poll(() => notices(a)).toContainEqual(expect.stringMatching(/offline.*peer to peer/i))
    await expect.poll(() => notices(b)).toContainEqual(expect.stringMatching(/offline/i))
    await send(a, 'still here without the server?')
    await expect.poll(() => lastText(b, 'them')).toBe('still here without the server?')
    await send(b, 'yes, peer to peer')
    await expect.poll(() => lastText(a, 'them')).toBe('yes, peer to peer')
    expect(await state(a)).toBe('chatting')

    server = await startTestServer({ STATIC_DIR: 'app/dist', PORT: port })
    await expect.poll(() => a.page.getByTestId('online-count').textContent(), { timeout: 20_000 }).toBe('2')
    await expect.poll(() => notices(a), { timeout: 20_000 }).not.toContainEqual(expect.stringMatching(/offline/i))
    expect(await state(a)).toBe('chatting')
    await send(b, 'and the server is back')
    await expect.poll(() => lastText(a, 'them')).toBe('and the server is back')
  })

  it('after the outage, ending the chat and searching again works', async () => {
    await a.page.getByTestId('end').click()
    await expect.poll(() => state(b), { timeout: 5000 }).toBe('ended')
    await a.page.getByTestId('start').click()
    await expect.poll(() => state(a)).toBe('searching')
    await a.page.getByTestId('cancel').click()
    await expect.poll(() => state(a)).toBe('idle')
  })
})

describe('a connection the server refuses', () => {
  it('says why, retries with backoff, and gets in once there is room', async () => {
    // One connection per address: a second tab from this machine is refused (too-many-connections).
    const strict = await startTestServer({ STATIC_DIR: 'app/dist', MAX_CONN_PER_IP: '1' })
    const first = await openApp(browserA, strict.url)
    const second = await openApp(browserB, strict.url, { waitForName: false })
    await expect.poll(() => notices(second)).toContainEqual(expect.stringMatching(/too many hush tabs/i))
    expect(await second.page.getByTestId('my-name').textContent()).not.toMatch(/\w+ \w+/)

    // socket.io itself gives up after a refusal: the app must keep trying on its own.
    await first.context.close()
    await second.page
      .getByTestId('my-name')
      .filter({ hasText: /\w+ \w+/ })
      .waitFor({ timeout: 20_000 })
    await expect.poll(() => notices(second)).not.toContainEqual(expect.stringMatching(/too many hush tabs/i))
    await second.page.getByTestId('start').click()
    await expect.poll(() => state(second)).toBe('searching')
    expect(second.problems.filter((problem) => !/WebSocket|socket\.io/i.test(problem))).toEqual([])
    await closeUsers(second)
  })
})

describe('signaling server process killed (SIGKILL)', () => {
  it('chats go on peer to peer, and a waiting search resumes when the server is back', async () => {
    const node = await startNode(null, { STATIC_DIR: 'app/dist' })
    const port = new URL(node.url).port
    const [x, y, waiting] = await Promise.all([
      openApp(browserA, node.url),
      openApp(browserB, node.url),
      openApp(browserB, node.url),
    ])
    await pairUp(x, y)
    const nameInChat = await x.page.getByTestId('my-name').textContent()
    await waiting.page.getByTestId('start').click()
    await expectState(waiting, 'searching')

    // No goodbye from the server: the kernel just closes its sockets (socket.io's own reconnection path).
    await node.kill9()
    await expect.poll(() => notices(x)).toContainEqual(expect.stringMatching(/offline.*peer to peer/i))
    await send(x, 'the server is gone')
    await expect.poll(() => lastText(y, 'them')).toBe('the server is gone')
    expect(await state(waiting)).toBe('searching')

    const revived = await startNode(null, { STATIC_DIR: 'app/dist', PORT: port })
    await expect.poll(() => notices(x), { timeout: 20_000 }).not.toContainEqual(expect.stringMatching(/offline/i))
    // The new server session brings a new guest name; the chat keeps the one the partner knows.
    expect(await x.page.getByTestId('my-name').textContent()).toBe(nameInChat)
    // The search was not lost: a newcomer meets the one who was waiting before the crash.
    const newcomer = await openApp(browserA, revived.url)
    await newcomer.page.getByTestId('start').click()
    await Promise.all([expectState(waiting, 'chatting', 20_000), expectState(newcomer, 'chatting', 20_000)])
    await send(y, 'still here')
    await expect.poll(() => lastText(x, 'them')).toBe('still here')
    await closeUsers(x, y, waiting, newcomer)
    await revived.stop()
  })
})
