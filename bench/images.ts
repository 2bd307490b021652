/// <reference lib="dom" />
// npm run bench:images: images over the app's sealed data channel against a bare data channel sending
// the same bytes in the same run, text latency while a 5 MB image is on its way, and the time to
// re-encode a 12-megapixel photo in the page. Real Chromium, two processes, loopback only. Prints JSON.
import type { Page } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../tests/support/browser.ts'
import { closeAll, startTestServer } from '../tests/support/signaling.ts'
import { closeUsers, openApp, pairUp, type AppUser } from '../tests/support/app.ts'
import { pictureFromPage, savedPictures } from '../tests/support/images.ts'
import { summarize, round } from './lib/stats.ts'

const runs = Number(process.env.BENCH_RUNS ?? 5)
declare global {
  interface Window {
    __imageLog?: { at: number; kind: string; text?: string }[]
  }
}

/** Records in the page when each picture turns done and each text message appears. */
function watch(): void {
  const log: { at: number; kind: string; text?: string }[] = []
  window.__imageLog = log
  const stamp = () => performance.timeOrigin + performance.now()
  const done = new Set<Element>()
  const texts = new Set<Element>()
  new MutationObserver(() => {
    for (const figure of document.querySelectorAll('[data-testid="image"][data-status="done"]')) {
      if (done.has(figure)) continue
      done.add(figure)
      log.push({ at: stamp(), kind: 'done' })
    }
    for (const text of document.querySelectorAll('[data-from="them"] .text')) {
      if (texts.has(text)) continue
      texts.add(text)
      log.push({ at: stamp(), kind: 'text', text: text.textContent ?? '' })
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true })
}

/** One image through the app: from Accept to the picture complete on the receiver, and text sent meanwhile. */
async function appTransfer(a: AppUser, b: AppUser, photo: Buffer, withText: boolean) {
  const before = await b.page.evaluate(() => window.__imageLog!.length)
  await a.page.getByTestId('image-attach').setInputFiles({ name: 'p.jpg', mimeType: 'image/jpeg', buffer: photo })
  const offer = b.page.locator('[data-testid="image"][data-status="offered"]').last()
  await offer.waitFor()
  const accepted = await offer.getByTestId('image-accept').evaluate((button: HTMLButtonElement) => {
    const at = performance.timeOrigin + performance.now()
    button.click()
    return at
  })
  const sent: { text: string; at: number }[] = []
  if (withText)
    // A message every 40 ms while the picture travels, typed into the real composer.
    sent.push(
      ...(await a.page.evaluate(async () => {
        const out: { text: string; at: number }[] = []
        const input = document.querySelector<HTMLTextAreaElement>('[data-testid="message-input"]')!
        for (let i = 0; i < 40; i++) {
          const text = `during-${Date.now()}-${i}`
          input.value = text
          input.dispatchEvent(new Event('input', { bubbles: true }))
          const at = performance.timeOrigin + performance.now()
          input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }))
          out.push({ text, at })
          await new Promise((r) => setTimeout(r, 40))
          if (document.querySelector('[data-testid="image"][data-status="loading"]') === null && i > 3) break
        }
        return out
      })),
    )
  await b.page.waitForFunction((n) => window.__imageLog!.slice(n).some((e) => e.kind === 'done'), before, {
    timeout: 120_000,
  })
  if (withText) await b.page.waitForFunction((t) => window.__imageLog!.some((e) => e.text === t), sent.at(-1)!.text)
  const log = (await b.page.evaluate(() => window.__imageLog!)).slice(before)
  const doneAt = log.find((e) => e.kind === 'done')!.at
  const latencies = sent.map(({ text, at }) => log.find((e) => e.text === text)!.at - at)
  const duringTransfer = sent.filter(({ text }) => log.find((e) => e.text === text)!.at < doneAt).length
  return { ms: doneAt - accepted, latencies, duringTransfer }
}

/** The same bytes over a bare RTCDataChannel between the two pages: 16 KB chunks, the same queue marks. */
async function bareTransfer(from: Page, to: Page, bytes: number): Promise<number> {
  const setup = (page: Page, initiator: boolean) =>
    page.evaluate((initiator) => {
      const pc = new RTCPeerConnection()
      const w = window as unknown as Record<string, unknown>
      w.__benchPc = pc
      delete w.__benchChannel // the last run's, closed
      const candidates: RTCIceCandidateInit[] = []
      w.__benchCandidates = candidates
      pc.onicecandidate = (e) => e.candidate && candidates.push(e.candidate.toJSON())
      if (initiator) w.__benchChannel = pc.createDataChannel('bench', { ordered: true })
      else pc.ondatachannel = (e) => (w.__benchChannel = e.channel)
    }, initiator)
  await setup(from, true)
  await setup(to, false)
  const offer = await from.evaluate(async () => {
    const pc = (window as unknown as { __benchPc: RTCPeerConnection }).__benchPc
    await pc.setLocalDescription(await pc.createOffer())
    // Every candidate in the description (no trickle): gathering is over, or has had 5 s.
    await new Promise((done) => {
      if (pc.iceGatheringState === 'complete') return done(null)
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done(null))
      setTimeout(done, 5_000)
    })
    return pc.localDescription!.toJSON()
  })
  const answer = await to.evaluate(async (offer) => {
    const pc = (window as unknown as { __benchPc: RTCPeerConnection }).__benchPc
    await pc.setRemoteDescription(offer)
    await pc.setLocalDescription(await pc.createAnswer())
    await new Promise((done) => {
      if (pc.iceGatheringState === 'complete') return done(null)
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done(null))
      setTimeout(done, 5_000)
    })
    return pc.localDescription!.toJSON()
  }, offer)
  await from.evaluate(
    (answer) => (window as unknown as { __benchPc: RTCPeerConnection }).__benchPc.setRemoteDescription(answer),
    answer,
  )
  const received = to.evaluate(
    (total) =>
      new Promise<number>((resolve) => {
        const poll = (): void => {
          const channel = (window as unknown as { __benchChannel?: RTCDataChannel }).__benchChannel
          if (!channel) return void setTimeout(poll, 5)
          channel.binaryType = 'arraybuffer'
          let got = 0
          channel.onmessage = (e) => {
            got += (e.data as ArrayBuffer).byteLength
            if (got >= total) resolve(performance.timeOrigin + performance.now())
          }
        }
        poll()
      }),
    bytes,
  )
  const started = await from.evaluate(async (total) => {
    const channel = (window as unknown as { __benchChannel: RTCDataChannel }).__benchChannel
    if (channel.readyState !== 'open') await new Promise((r) => channel.addEventListener('open', r, { once: true }))
    await new Promise((r) => setTimeout(r, 100)) // the receiver's handler is set
    const data = new Uint8Array(total)
    crypto.getRandomValues(data.subarray(0, 65_536))
    const at = performance.timeOrigin + performance.now()
    channel.bufferedAmountLowThreshold = 64 * 1024
    for (let offset = 0; offset < total; offset += 16_000) {
      if (channel.bufferedAmount > 256 * 1024)
        await new Promise((r) => channel.addEventListener('bufferedamountlow', r, { once: true }))
      channel.send(data.subarray(offset, offset + 16_000))
    }
    return at
  }, bytes)
  const ms = (await received) - started
  for (const page of [from, to])
    await page.evaluate(() => (window as unknown as { __benchPc: RTCPeerConnection }).__benchPc.close())
  return ms
}

/** From picking a 12-megapixel photo to its re-encoded offer on the sender's screen. */
async function reencodeTime(a: AppUser, photo: Buffer): Promise<number> {
  // The pictures already there are marked: the list keeps only its newest 100 messages, so counting them lies.
  await a.page.evaluate(() => {
    for (const figure of document.querySelectorAll('[data-testid="image"]')) figure.setAttribute('data-seen', '')
    const input = document.querySelector<HTMLInputElement>('[data-testid="image-attach"]')!
    const at = { value: 0 }
    input.addEventListener('change', () => (at.value = performance.timeOrigin + performance.now()), { once: true })
    ;(window as unknown as { __picked: typeof at }).__picked = at
  })
  await a.page.getByTestId('image-attach').setInputFiles({ name: '12mp.jpg', mimeType: 'image/jpeg', buffer: photo })
  await a.page.locator('[data-testid="image"]:not([data-seen])').waitFor({ timeout: 60_000 })
  const shown = await a.page.evaluate(() => performance.timeOrigin + performance.now())
  const start = await a.page.evaluate(() => (window as unknown as { __picked: { value: number } }).__picked.value)
  return shown - start
}

/** The size of the newest picture in the page's history: the bytes that crossed, as re-encoded. */
const lastImageBytes = async (page: Page) => (await savedPictures(page)).at(-1)?.length ?? 0

async function main() {
  const server = await startTestServer({ STATIC_DIR: 'app/dist' })
  const [browserA, browserB] = await Promise.all([launchBrowser(), launchBrowser()])
  const a = await openApp(browserA, server.url)
  const b = await openApp(browserB, server.url)
  await pairUp(a, b)
  // tsx names the functions it compiles with a helper the page lacks: the page gets one that does nothing.
  for (const page of [a.page, b.page]) await page.evaluate('window.__name = (f) => f')
  await b.page.evaluate(watch)
  // A noisy picture re-encodes to about as many bytes as it had: close to the 5 MB limit.
  const photo = await pictureFromPage(a.page, 2040, 2040, { noise: true })
  const appMs: number[] = []
  const bareMs: number[] = []
  const latencies: number[] = []
  let bytes = 0
  let messagesDuring = 0
  for (let run = 0; run < runs; run++) {
    const app = await appTransfer(a, b, photo, false)
    appMs.push(app.ms)
    console.error(`app transfer ${run + 1}: ${app.ms.toFixed(0)} ms`)
    // The history write is batched: the picture is in the store a moment after it shows.
    while (run === 0 && bytes === 0) bytes = await lastImageBytes(b.page)
    bareMs.push(await bareTransfer(a.page, b.page, bytes))
    console.error(`bare channel ${run + 1}: ${bareMs.at(-1)!.toFixed(0)} ms`)
  }
  for (let run = 0; run < runs; run++) {
    const during = await appTransfer(a, b, photo, true)
    latencies.push(...during.latencies)
    messagesDuring += during.duringTransfer
  }
  const twelve = await pictureFromPage(a.page, 4000, 3000)
  const reencode: number[] = []
  for (let run = 0; run < runs; run++) reencode.push(await reencodeTime(a, twelve))
  const size = bytes
  const mbps = (ms: number) => size / 1024 / 1024 / (ms / 1000)
  const median = (values: number[]) => summarize(values).p50
  console.log(
    JSON.stringify(
      {
        imageBytes: size,
        runs,
        appTransferMs: summarize(appMs),
        bareChannelMs: summarize(bareMs),
        appMBps: round(mbps(median(appMs))),
        bareMBps: round(mbps(median(bareMs))),
        throughputRatio: round(median(bareMs) / median(appMs)),
        textDuringTransferMs: summarize(latencies),
        textMessagesArrivedBeforeImage: `${messagesDuring}/${latencies.length}`,
        reencode12MpMs: summarize(reencode),
        reencode12MpSourceBytes: twelve.length,
        targets: {
          throughputAtLeast08: median(bareMs) / median(appMs) >= 0.8,
          textP99AtMost50Ms: summarize(latencies).p99 <= 50,
        },
      },
      null,
      2,
    ),
  )
  await closeUsers(a, b)
  await closeBrowsers()
  await closeAll()
}

await main()
