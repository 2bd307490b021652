/// <reference lib="dom" />
// npm run bench:latency: message, typing and time-to-chat latency through the real server and app UI,
// plus a plain Socket.IO relay baseline in the same run. Prints JSON.
// Stamps: performance.timeOrigin + performance.now() in each page (keydown on A, DOM insertion on B).
import { readFile, readdir } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import type { Browser, Page } from 'playwright-core'
import { closeBrowsers, launchBrowser, openUser } from '../tests/support/browser.ts'
import { closeAll, startTestServer } from '../tests/support/signaling.ts'
import { closeUsers, expectState, openApp, pairUp, start } from '../tests/support/app.ts'
import { blockPeerTraffic, unblockPeerTraffic } from '../tests/support/firewall.ts'
import { startBaseline } from './baseline-page.ts'
import { backToDirect, relayMessages } from './lib/paths.ts'
import { instrument, messageLoop, stampsOf, stats } from './lib/page-stamps.ts'

const messageCount = Number(process.env.BENCH_MESSAGES ?? 1000)
const typingCount = Number(process.env.BENCH_TYPING ?? 200)
const chatCount = Number(process.env.BENCH_CHATS ?? 20)

async function typingLoop(from: Page, to: Page, count: number) {
  const input = from.getByTestId('message-input')
  await input.fill('')
  const before = (await stampsOf(from)).keys.length
  // The message loop's edits already showed and hid the indicator: count from here on.
  const seenBefore = await to.evaluate(() => ({
    on: window.__seen.filter((s) => s.kind === 'typing-on').length,
    off: window.__seen.filter((s) => s.kind === 'typing-off').length,
  }))
  for (let i = 1; i <= count; i++) {
    await input.press('x')
    await to.evaluate((n) => window.__waitSeen('typing-on', n), seenBefore.on + i)
    await input.press('Backspace')
    await to.evaluate((n) => window.__waitSeen('typing-off', n), seenBefore.off + i)
  }
  const [sent, received] = await Promise.all([stampsOf(from), stampsOf(to)])
  const keys = sent.keys.slice(before)
  const on = keys.filter((k) => k.key === 'x').map((k) => k.at)
  const off = keys.filter((k) => k.key === 'Backspace').map((k) => k.at)
  const shown = received.seen
    .filter((s) => s.kind === 'typing-on')
    .map((s) => s.at)
    .slice(seenBefore.on)
  const hidden = received.seen
    .filter((s) => s.kind === 'typing-off')
    .map((s) => s.at)
    .slice(seenBefore.off)
  return { on: on.map((at, i) => shown[i]! - at), off: off.map((at, i) => hidden[i]! - at) }
}

/** Waits until the lazily loaded WebRTC chunk is in, as it is by the time a person clicks Start. */
const warm = (page: Page) =>
  page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.includes('simplepeer')))

async function timeToChat(browsers: [Browser, Browser], url: string, count: number) {
  const samples: number[] = []
  const phases: number[] = []
  for (let i = 0; i < count; i++) {
    const a = await openApp(browsers[0], url)
    const b = await openApp(browsers[1], url)
    await Promise.all([a, b].map((u) => u.page.evaluate(instrument)))
    await Promise.all([warm(a.page), warm(b.page)])
    await start(a)
    await expectState(a, 'searching')
    await start(b)
    await Promise.all([a, b].map((u) => u.page.evaluate(() => window.__waitSeen('safety', 1))))
    const [sa, sb] = await Promise.all([stampsOf(a.page), stampsOf(b.page)])
    const clicked = Math.max(...[sa, sb].map((s) => s.keys.find((k) => k.key === 'start')!.at))
    const secured = Math.max(...[sa, sb].map((s) => s.seen.find((x) => x.kind === 'safety')!.at))
    samples.push(secured - clicked)
    const connecting = Math.max(...[sa, sb].map((s) => s.seen.find((x) => x.kind === 'state-connecting')!.at))
    phases.push(connecting - clicked)
    if (process.env.BENCH_TTC_DETAIL) {
      const rel = (s: Awaited<ReturnType<typeof stampsOf>>) =>
        s.seen.map((x) => `${x.kind}@${(x.at - clicked).toFixed(1)}`)
      console.error(JSON.stringify({ a: rel(sa), b: rel(sb) }))
    }
    await closeUsers(a, b)
  }
  return { samples, matchmaking: phases }
}

async function bundleSizes() {
  const html = await readFile('app/dist/index.html', 'utf8')
  const entry = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!)
  const all = (await readdir('app/dist/assets')).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`)
  const gz = async (file: string) => gzipSync(await readFile(`app/dist/${file}`), { level: 9 }).length
  const sum = async (files: string[]) => (await Promise.all(files.map(gz))).reduce((s, x) => s + x, 0)
  const kb = (bytes: number) => Math.round(bytes / 102.4) / 10
  // A page also fetches its language's catalogue before the first render: English here (bench:languages has each).
  const catalogue = all.filter((f) => /^assets\/(en|registry)-/.test(f))
  return {
    firstLoadJsGzipKB: kb(await sum([...entry, ...catalogue])),
    lazyJsGzipKB: kb(await sum(all.filter((f) => !entry.includes(f) && !catalogue.includes(f)))),
  }
}

async function main() {
  const server = await startTestServer({
    STATIC_DIR: 'app/dist',
    // Time-to-chat runs 20 fresh pairs back to back: lift the per-socket match limit for the bench only.
    MATCH_RATE_BURST: '1000',
    MATCH_RATE_PER_S: '1000',
    // The message loop sends one message per round trip, far above a person's 50 frames a second.
    RELAY_RATE_BURST: '100000',
    RELAY_RATE_PER_S: '100000',
    RELAY_BYTES_PER_S: '100000000',
  })
  const baseline = await startBaseline()
  const browsers = (await Promise.all([launchBrowser(), launchBrowser()])) as [Browser, Browser]

  const a = await openApp(browsers[0], server.url)
  const b = await openApp(browsers[1], server.url)
  await Promise.all([a, b].map((u) => u.page.evaluate(instrument)))
  await pairUp(a, b)
  const messages = await messageLoop(a.page, b.page, messageCount)
  const typing = await typingLoop(a.page, b.page, typingCount)
  await closeUsers(a, b)

  const ra = await browsers[0].newPage()
  const rb = await browsers[1].newPage()
  await Promise.all([ra.goto(baseline.url), rb.goto(baseline.url)])
  await Promise.all([ra, rb].map((p) => p.evaluate(instrument)))
  // The server tells both pages once the pair is connected: the loop never starts into the void.
  await Promise.all(
    [ra, rb].map((p) => p.waitForFunction(() => (window as unknown as { relayReady?: boolean }).relayReady === true)),
  )
  const relay = (await messageLoop(ra, rb, messageCount)).total
  await Promise.all([ra.close(), rb.close()])

  // The floor: a bare RTCDataChannel between two pages (no app, crypto or framework), same loop.
  const bare = await startBaseline()
  const [da, db] = await Promise.all(browsers.map((browser) => openUser(browser, `${bare.url}/?dc`)))
  await Promise.all([da!, db!].map((u) => u.page.evaluate(instrument)))
  await Promise.all(
    [da!, db!].map((u) => u.page.waitForFunction(() => (window as unknown as { dcReady?: boolean }).dcReady === true)),
  )
  const bareChannel = (await messageLoop(da!.page, db!.page, messageCount)).total
  await Promise.all([da!.context.close(), db!.context.close()])
  await bare.close()

  const relayed = await relayMessages(browsers, server.url, messageCount)
  const chats = await timeToChat(browsers, server.url, chatCount)
  // No peer connection possible (UDP and peer TCP dropped): the relay alone makes the chat.
  blockPeerTraffic(Number(new URL(server.url).port))
  const blockedChats = await timeToChat(browsers, server.url, chatCount).finally(unblockPeerTraffic)
  const returns = await backToDirect(browsers, server.url, Number(process.env.BENCH_PATH_CHANGES ?? 5))
  const sizes = await bundleSizes()

  const result = {
    messageLatencyMs: stats(messages.total),
    messageSplitMs: messages.toArrival && {
      enterToReceiverOnmessage: stats(messages.toArrival),
      onmessageToRendered: stats(messages.arrivalToRender!),
    },
    relayPathMessageLatencyMs: stats(relayed),
    relayBaselineMs: stats(relay),
    relayPathRatioP50VsPlainRelay: Math.round((stats(relayed).p50 / stats(relay).p50) * 100) / 100,
    bareDataChannelMs: stats(bareChannel),
    ratioP50VsRelay: Math.round((stats(messages.total).p50 / stats(relay).p50) * 100) / 100,
    // Where even a bare data channel stands against the relay: the floor under the 0.6× target.
    bareDataChannelRatioP50VsRelay: Math.round((stats(bareChannel).p50 / stats(relay).p50) * 100) / 100,
    typingOnLatencyMs: stats(typing.on),
    typingOffLatencyMs: stats(typing.off),
    timeToChatMs: stats(chats.samples),
    // Of which: second Start click → both pages in 'connecting' (matchmaking through the server).
    timeToMatchMs: stats(chats.matchmaking),
    udpBlocked: { timeToChatMs: stats(blockedChats.samples), timeToMatchMs: stats(blockedChats.matchmaking) },
    backToDirectMs: stats(returns),
    ...sizes,
    targets: {
      messageP50AtMost1ms: stats(messages.total).p50 <= 1,
      messageP99AtMost5ms: stats(messages.total).p99 <= 5,
      atMost06xRelayP50: stats(messages.total).p50 <= 0.6 * stats(relay).p50,
      timeToChatP50AtMost100ms: stats(chats.samples).p50 <= 100,
      timeToChatP50AtMostMatchPlus30ms: stats(chats.samples).p50 <= stats(chats.matchmaking).p50 + 30,
      udpBlockedTimeToChatP50AtMostMatchPlus30ms:
        stats(blockedChats.samples).p50 <= stats(blockedChats.matchmaking).p50 + 30,
      relayPathP50AtMost1_2xPlainRelay: stats(relayed).p50 <= 1.2 * stats(relay).p50,
      backToDirectAtMost10s: stats(returns).max <= 10_000,
      firstLoadJsAtMost70KB: sizes.firstLoadJsGzipKB <= 70,
    },
  }
  console.log(JSON.stringify(result, null, 2))
  await closeBrowsers()
  await baseline.close()
  await closeAll()
}

await main()
