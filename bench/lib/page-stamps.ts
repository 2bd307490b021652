/// <reference lib="dom" />
// What the latency benchmarks measure inside the pages: keydowns and DOM appearances stamped on each
// page's clock (performance.timeOrigin + performance.now()), and the loop that sends messages one by one.
import type { Page } from 'playwright-core'
import { summarize } from './stats.ts'

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
export const instrument = `(() => {
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
        see(record.attributeName === 'data-path' ? 'path-' + record.target.getAttribute('data-path') : 'state-' + record.target.getAttribute('data-state'))
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-state', 'data-path'] })
})()`

/** Latencies in ms, to the microsecond. */
export const stats = (samples: number[]) => summarize(samples, 3)

export async function stampsOf(page: Page) {
  return page.evaluate(() => ({ keys: window.__keys, seen: window.__seen }))
}

/** Sends `count` messages one at a time: Enter on `from`, wait until rendered on `to`. */
export async function messageLoop(from: Page, to: Page, count: number) {
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
