/// <reference lib="dom" />
// npm run bench:pwa: what the service worker does to a second load, in real Chromium. Each run is a fresh
// profile: a first load (which installs the worker, or fills the HTTP cache when workers are blocked), then
// a second navigation, timed in the page from its navigation start to the lobby rendered (the shell works)
// and to our name shown (connected to the server: usable). Loopback has no latency, so the same runs go
// again with CDP's network emulation (150 ms round trip). Needs a built app (npm run build). Prints JSON.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../tests/support/browser.ts'
import { closeAll, startTestServer } from '../tests/support/signaling.ts'
import { percentile, round } from './lib/stats.ts'

const runs = Number(process.env.BENCH_RUNS ?? 15)
const latenciesMs = [0, 150]

/** Stamps, in the page, the moments the lobby's Start button appears and our name is shown. */
const stamps = `(() => {
  window.__load = {}
  new MutationObserver(() => {
    const load = window.__load
    if (load.shell === undefined && document.querySelector('[data-testid="start"]')) load.shell = performance.now()
    const name = document.querySelector('[data-testid="my-name"]')
    if (load.ready === undefined && name && /\\w+ \\w+/.test(name.textContent ?? '')) load.ready = performance.now()
  }).observe(document, { subtree: true, childList: true, characterData: true })
})()`

declare global {
  interface Window {
    __load: { shell?: number; ready?: number }
  }
}

async function loaded(page: Page): Promise<{ shell: number; ready: number }> {
  await page.waitForFunction(() => window.__load.ready !== undefined && window.__load.shell !== undefined)
  return page.evaluate(() => ({ shell: window.__load.shell!, ready: window.__load.ready! }))
}

async function emulateLatency(context: BrowserContext, page: Page, latencyMs: number): Promise<void> {
  if (latencyMs === 0) return
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  // The round trip is the emulated latency; throughput is left unlimited (-1).
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: latencyMs,
    downloadThroughput: -1,
    uploadThroughput: -1,
  })
}

type Sample = Awaited<ReturnType<typeof secondLoad>>

async function secondLoad(browser: Browser, url: string, worker: boolean, latencyMs: number) {
  const context = await browser.newContext({ serviceWorkers: worker ? 'allow' : 'block' })
  try {
    await context.addInitScript(stamps)
    const page = await context.newPage()
    await emulateLatency(context, page, latencyMs)
    await page.goto(url)
    const first = await loaded(page)
    if (worker) await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
    // Every asset fetched already (the WebRTC library is fetched on idle): the HTTP cache is as full as the precache.
    await page.waitForLoadState('networkidle')
    const response = await page.goto(url)
    const second = await loaded(page)
    return { first, second, fromServiceWorker: response?.fromServiceWorker() ?? false }
  } finally {
    await context.close()
  }
}

async function main() {
  const server = await startTestServer({ STATIC_DIR: 'app/dist', CONNECT_RATE_PER_MIN: '0' })
  const browser = await launchBrowser()
  const results = []
  for (const latencyMs of latenciesMs) {
    const samples: { worker: Sample[]; noWorker: Sample[] } = { worker: [], noWorker: [] }
    // Interleaved, so that a slow patch of the machine weighs on both sides alike.
    for (let i = 0; i < runs; i++) {
      samples.worker.push(await secondLoad(browser, server.url, true, latencyMs))
      samples.noWorker.push(await secondLoad(browser, server.url, false, latencyMs))
    }
    if (!samples.worker.every((s) => s.fromServiceWorker)) throw new Error('a second load missed the worker')
    /** Median and 95th percentile of one stamp over the runs, in ms. */
    const timing = (list: Sample[], load: 'first' | 'second', key: 'shell' | 'ready') => {
      const sorted = list.map((s) => s[load][key]).sort((a, b) => a - b)
      return { median: round(percentile(sorted, 50), 1), p95: round(percentile(sorted, 95), 1) }
    }
    const side = (list: Sample[]) => ({
      secondLoad: { shellMs: timing(list, 'second', 'shell'), readyMs: timing(list, 'second', 'ready') },
      firstLoad: { shellMs: timing(list, 'first', 'shell'), readyMs: timing(list, 'first', 'ready') },
    })
    const withSw = side(samples.worker)
    const withoutSw = side(samples.noWorker)
    results.push({
      emulatedRoundTripMs: latencyMs,
      withServiceWorker: withSw,
      withoutServiceWorker: withoutSw,
      secondLoadShellMedianSavedMs: round(withoutSw.secondLoad.shellMs.median - withSw.secondLoad.shellMs.median, 1),
      secondLoadReadyMedianSavedMs: round(withoutSw.secondLoad.readyMs.median - withSw.secondLoad.readyMs.median, 1),
    })
  }
  console.log(JSON.stringify({ runs, results }, null, 2))
  await closeBrowsers()
  await closeAll()
}

await main()
