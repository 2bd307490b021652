/// <reference lib="dom" />
// The chat's paths, measured: messages over the server's relay, and how long a chat takes to get back
// onto a direct data channel after losing it (a network change).
import type { Browser } from 'playwright-core'
import { closeUsers, openApp, pairUp, type AppUser } from '../../tests/support/app.ts'
import { instrument, messageLoop } from './page-stamps.ts'

async function instrumentedPair(
  browsers: [Browser, Browser],
  url: string,
  hideIp: boolean,
): Promise<[AppUser, AppUser]> {
  const users = (await Promise.all(browsers.map((browser) => openApp(browser, url, { watchTransports: true })))) as [
    AppUser,
    AppUser,
  ]
  for (const user of users) {
    await user.page.evaluate(instrument)
    // Without TURN, "Hide my IP address" makes no peer connection: the chat runs over the server's relay.
    if (hideIp) await user.page.getByTestId('hide-ip').check()
  }
  await pairUp(users[0], users[1], hideIp ? 'any' : 'peer')
  return users
}

/** Message latency (Enter on A → shown on B) with the chat on the server's relay. */
export async function relayMessages(browsers: [Browser, Browser], url: string, count: number): Promise<number[]> {
  const [a, b] = await instrumentedPair(browsers, url, true)
  const path = await a.page.getByTestId('app').getAttribute('data-path')
  if (path !== 'server') throw new Error(`expected the server path, got ${path}`)
  const { total } = await messageLoop(a.page, b.page, count)
  await closeUsers(a, b)
  return total
}

/** From the data channel closing under a chat to the chat being back on a direct one, on A's clock. */
export async function backToDirect(browsers: [Browser, Browser], url: string, count: number): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < count; i++) {
    const [a, b] = await instrumentedPair(browsers, url, false)
    const elapsed = await a.page.evaluate(async () => {
      const directBefore = window.__seen.filter((s) => s.kind === 'path-direct').length
      const closedAt = performance.timeOrigin + performance.now()
      window.__dataChannels?.forEach((channel) => channel.close())
      await window.__waitSeen('path-direct', directBefore + 1)
      return window.__seen.filter((s) => s.kind === 'path-direct').at(-1)!.at - closedAt
    })
    samples.push(elapsed)
    await closeUsers(a, b)
  }
  return samples
}
