/// <reference lib="dom" />
// npm run bench:safety: what safety costs a person, in Chromium: signing every message (WebCrypto Ed25519
// sign and verify of bytes shaped as the app signs them), and the proof of work a server may ask for,
// solved by the app's own Web Worker at the server's POW_COST. Prints JSON.
import { closeBrowsers, launchBrowser, openUser } from '../tests/support/browser.ts'
import { closeAll, startTestServer } from '../tests/support/signaling.ts'
import { expectState, openApp } from '../tests/support/app.ts'
import { summarize } from './lib/stats.ts'

const rounds = Number(process.env.BENCH_SIGNATURES ?? 2000)
const solves = Number(process.env.BENCH_POW_SOLVES ?? 10)

/** Page source run before the app: the time between a challenge going to the app's worker and its solution. */
const timeWorkers = `(() => {
  window.__solves = []
  const Base = window.Worker
  window.Worker = class extends Base {
    postMessage(message) {
      const sent = performance.now()
      this.addEventListener('message', (event) => {
        if (event.data && 'solution' in event.data) window.__solves.push(performance.now() - sent)
      })
      super.postMessage(message)
    }
  }
})()`

/** Starts and cancels searches on a server that always asks for proof of work; each solve is timed. */
async function powSolveTimes(): Promise<{ powCost: number; times: number[] }> {
  const server = await startTestServer({ STATIC_DIR: 'app/dist', POW: 'always' })
  const user = await openApp(await launchBrowser(), server.url, { initScript: timeWorkers })
  const solved = () => user.page.evaluate(() => (window as unknown as { __solves: number[] }).__solves.length)
  for (let i = 1; i <= solves; i++) {
    await user.page.getByTestId('start').click()
    await user.page.waitForFunction((n) => (window as unknown as { __solves: number[] }).__solves.length >= n, i, {
      timeout: 60_000,
    })
    // Searching for real now (the find with the solution was taken): cancel for the next round.
    await expectState(user, 'searching')
    await user.page.getByTestId('cancel').click()
    await expectState(user, 'idle')
  }
  if ((await solved()) !== solves) throw new Error('a solve was not timed')
  const times = await user.page.evaluate(() => (window as unknown as { __solves: number[] }).__solves)
  return { powCost: server.config.safety.powCost, times }
}

const server = await startTestServer({ STATIC_DIR: 'app/dist' })
const browser = await launchBrowser()
try {
  const { page } = await openUser(browser, server.url)
  const timings = await page.evaluate(async (count) => {
    const algorithm = { name: 'Ed25519' }
    const pair = (await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify'])) as CryptoKeyPair
    const encoder = new TextEncoder()
    const messages = Array.from({ length: count }, (_, i) =>
      encoder.encode(`hush-msg-v1\nchat-1\nid-${i}\n${Date.now()}\n message ${i}: ${'x'.repeat(i % 200)}`),
    )
    // The page's clock ticks in 0.1 ms steps: each figure is a batch's time over its size, one per batch.
    const batch = 50
    const sign: number[] = []
    const verify: number[] = []
    const sigs: ArrayBuffer[] = []
    for (let from = 0; from < count; from += batch) {
      const t0 = performance.now()
      for (let i = from; i < from + batch; i++)
        sigs[i] = await crypto.subtle.sign(algorithm, pair.privateKey, messages[i]!)
      const t1 = performance.now()
      for (let i = from; i < from + batch; i++) {
        if (!(await crypto.subtle.verify(algorithm, pair.publicKey, sigs[i]!, messages[i]!)))
          throw new Error('bad signature')
      }
      const t2 = performance.now()
      sign.push((t1 - t0) / batch)
      verify.push((t2 - t1) / batch)
    }
    return { sign, verify }
  }, rounds)
  console.log(
    JSON.stringify(
      {
        bench: 'safety',
        browser: `chromium ${browser.version()}`,
        rounds,
        note: 'ms per operation, awaited one at a time as the app does; each sample is the mean of a batch of 50',
        signMs: summarize(timings.sign, 3),
        verifyMs: summarize(timings.verify, 3),
        powSolveMs: await powSolveTimes().then(({ powCost, times }) => ({ powCost, ...summarize(times, 0) })),
      },
      null,
      2,
    ),
  )
} finally {
  await closeBrowsers()
  await closeAll()
}
