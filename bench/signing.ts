/// <reference lib="dom" />
// npm run bench:signing: what signing every message costs, in Chromium's WebCrypto (Ed25519 sign and
// verify of bytes shaped as the app signs them). Prints JSON.
import { closeBrowsers, launchBrowser, openUser } from '../tests/support/browser.ts'
import { closeAll, startTestServer } from '../tests/support/signaling.ts'
import { summarize } from './lib/stats.ts'

const rounds = Number(process.env.BENCH_SIGNATURES ?? 2000)

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
        bench: 'signing',
        browser: `chromium ${browser.version()}`,
        rounds,
        note: 'ms per operation, awaited one at a time as the app does; each sample is the mean of a batch of 50',
        signMs: summarize(timings.sign, 3),
        verifyMs: summarize(timings.verify, 3),
      },
      null,
      2,
    ),
  )
} finally {
  await closeBrowsers()
  await closeAll()
}
