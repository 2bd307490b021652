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
import { startBaseline } from './baseline-page.ts'
import { summarize } from './lib/stats.ts'

const messageCount = Number(process.env.BENCH_MESSAGES ?? 1000)
const typingCount = Number(process.env.BENCH_TYPING ?? 200)
const chatCount = Number(process.env.BENCH_CHATS ?? 20)

declare global {
  interface Window {
    __keys: { key: string; at: number }[]
    __seen: { kind: string; at: number }[]
    __waitSeen(kind: string, count: number): Promise<void>
  }
}

/**
 * Runs in every page: stamps keydowns (capture phase, before the app) and DOM appearances.
 * Plain JS source on purpose: tsx's transpiled functions reference a helper that pages do not have.
 */
const instrument = `(() => {
  const now = () => performance.timeOrigin + performance.now()
  window.__keys = []
  window.__seen = []
  window.__arrivals = []
  // Stamps every data channel message as it reaches the app's listener (wraps addEventListener).
  const listen = RTCDataChannel.prototype.addEventListener
  RTCDataChannel.prototype.addEventListener = function (type, listener, options) {
    if (type !== 'message') return listen.call(this, type, listener, options)
    const stamped = (event) => { if (event.data.byteLength > 100) window.__arrivals.push(now()); return listener.call(this, event) }
    return listen.call(this, type, stamped, options)
  }
  const waiters = []
  const counts = new Map()
  document.addEventListener('keydown', (event) => window.__keys.push({ key: event.key, at: now() }), true)
  document.addEventListener('click', (event) => {
    if (event.target.closest('[data-testid="start"]')) window.__keys.push({ key: 'start', at: now() })
  }, true)
  const see = (kind) => {
    window.__seen.push({ kind, at: now() })
    counts.set(kind, (counts.get(kind) ?? 0) + 1)
    for (const waiter of waiters.splice(0)) {
      if ((counts.get(waiter.kind) ?? 0) >= waiter.count) waiter.resolve()
      else waiters.push(waiter)
    }
  }
  window.__waitSeen = (kind, count) =>
    (counts.get(kind) ?? 0) >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ kind, count, resolve }))
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue
        if (node.matches('[data-testid="message"][data-from="them"]')) see('message')
        if (node.matches('[data-testid="typing"]') || node.querySelector('[data-testid="typing"]')) see('typing-on')
        if (node.matches('[data-testid="safety-code"]') || node.querySelector('[data-testid="safety-code"]')) see('safety')
      }
      for (const node of record.removedNodes)
        if (node instanceof Element && (node.matches('[data-testid="typing"]') || node.querySelector('[data-testid="typing"]'))) see('typing-off')
    }
    for (const record of records)
      if (record.type === 'attributes' && record.target instanceof Element && record.target.matches('[data-testid="app"]'))
        see('state-' + record.target.getAttribute('data-state'))
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-state'] })
})()`

/** Latencies in ms, to the microsecond. */
const stats = (samples: number[]) => summarize(samples, 3)

async function stampsOf(page: Page) {
  return page.evaluate(() => ({ keys: window.__keys, seen: window.__seen }))
}

/** Sends `count` messages one at a time: Enter on `from`, wait until rendered on `to`. */
async function messageLoop(from: Page, to: Page, count: number) {
  const input = from.getByTestId('message-input')
  for (let i = 1; i <= count; i++) {
    await input.fill(`message ${i}`)
    await input.press('Enter')
    await to.evaluate((n) => window.__waitSeen('message', n), i)
  }
  const [sent, received] = await Promise.all([stampsOf(from), stampsOf(to)])
  const enters = sent.keys.filter((k) => k.key === 'Enter').map((k) => k.at)
  const shown = received.seen.filter((s) => s.kind === 'message').map((s) => s.at)
  const total = enters.slice(-count).map((at, i) => shown[shown.length - count + i]! - at)
  // Where the time goes (app pages only): Enter → sealed frame handed to the receiver's onmessage,
  // and onmessage → rendered. Chat frames are the only ones over 100 bytes in this loop.
  const arrivals = await to.evaluate(() => (window as unknown as { __arrivals: number[] }).__arrivals)
  if (arrivals.length < count) return { total }
  const arrived = arrivals.slice(-count)
  return {
    total,
    toArrival: enters.slice(-count).map((at, i) => arrived[i]! - at),
    arrivalToRender: arrived.map((at, i) => shown[shown.length - count + i]! - at),
  }
}

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
  return {
    firstLoadJsGzipKB: kb(await sum(entry)),
    lazyJsGzipKB: kb(await sum(all.filter((f) => !entry.includes(f)))),
  }
}

async function main() {
  const server = await startTestServer({
    STATIC_DIR: 'app/dist',
    // Time-to-chat runs 20 fresh pairs back to back: lift the per-socket match limit for the bench only.
    MATCH_RATE_BURST: '1000',
    MATCH_RATE_PER_S: '1000',
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

  const chats = await timeToChat(browsers, server.url, chatCount)
  const sizes = await bundleSizes()

  const result = {
    messageLatencyMs: stats(messages.total),
    messageSplitMs: messages.toArrival && {
      enterToReceiverOnmessage: stats(messages.toArrival),
      onmessageToRendered: stats(messages.arrivalToRender!),
    },
    relayBaselineMs: stats(relay),
    bareDataChannelMs: stats(bareChannel),
    ratioP50VsRelay: Math.round((stats(messages.total).p50 / stats(relay).p50) * 100) / 100,
    // Where even a bare data channel stands against the relay: the floor under the 0.6× target.
    bareDataChannelRatioP50VsRelay: Math.round((stats(bareChannel).p50 / stats(relay).p50) * 100) / 100,
    typingOnLatencyMs: stats(typing.on),
    typingOffLatencyMs: stats(typing.off),
    timeToChatMs: stats(chats.samples),
    // Of which: second Start click → both pages in 'connecting' (matchmaking through the server).
    timeToMatchMs: stats(chats.matchmaking),
    ...sizes,
    targets: {
      messageP50AtMost1ms: stats(messages.total).p50 <= 1,
      messageP99AtMost5ms: stats(messages.total).p99 <= 5,
      atMost06xRelayP50: stats(messages.total).p50 <= 0.6 * stats(relay).p50,
      timeToChatP50AtMost100ms: stats(chats.samples).p50 <= 100,
      firstLoadJsAtMost70KB: sizes.firstLoadJsGzipKB <= 70,
    },
  }
  console.log(JSON.stringify(result, null, 2))
  await closeBrowsers()
  await baseline.close()
  await closeAll()
}

await main()
