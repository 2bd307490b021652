/// <reference lib="dom" />
// Browser-side callbacks (page.evaluate, init scripts) run in the page: DOM types apply there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../support/browser.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'
import { closeUsers, expectState, lastText, messages, openApp, pairUp, send, type AppUser } from '../support/app.ts'

let server: TestServer
let browserA: Browser
let browserB: Browser
let a: AppUser
let b: AppUser
const toServer: string[] = []

beforeAll(async () => {
  server = await startTestServer({ STATIC_DIR: 'app/dist' })
  // Everything the browsers send the signaling server, as received: no message may ever be in it.
  server.server.io.engine.on(
    'connection',
    (connection: { on(event: 'data', listener: (data: unknown) => void): void }) =>
      connection.on('data', (data) => toServer.push(String(data))),
  )
  // Two Chromium processes: the peer connection really crosses processes.
  ;[browserA, browserB] = await Promise.all([launchBrowser(), launchBrowser()])
  a = await openApp(browserA, server.url, { captureFrames: true })
  b = await openApp(browserB, server.url, { captureFrames: true })
  await pairUp(a, b)
})
afterAll(async () => {
  await closeUsers(a, b)
  await closeBrowsers()
  await closeAll()
})

describe('two strangers chatting', () => {
  it('shows each side the partner’s guest name', async () => {
    expect(await a.page.getByTestId('partner-name').textContent()).toBe(
      await b.page.getByTestId('my-name').textContent(),
    )
    expect(await b.page.getByTestId('partner-name').textContent()).toBe(
      await a.page.getByTestId('my-name').textContent(),
    )
  })

  it('shows the same safety code on both sides', async () => {
    const codeA = await a.page.getByTestId('safety-code').textContent()
    const codeB = await b.page.getByTestId('safety-code').textContent()
    expect(codeA).toMatch(/^\d{3} \d{3} \d{3} \d{3}$/)
    expect(codeA).toBe(codeB)
  })

  it('delivers messages both ways with delivered ticks', async () => {
    await send(a, 'hello from A')
    await expect.poll(() => lastText(b, 'them')).toBe('hello from A')
    await expect.poll(() => messages(a, 'me').last().getAttribute('data-status')).toBe('delivered')
    await send(b, 'hi A, B here')
    await expect.poll(() => lastText(a, 'them')).toBe('hi A, B here')
    await expect.poll(() => messages(b, 'me').last().getAttribute('data-status')).toBe('delivered')
  })

  it('keeps Shift+Enter as a newline and counts characters live', async () => {
    const input = a.page.getByTestId('message-input')
    await input.fill('line one')
    expect(await a.page.getByTestId('char-count').textContent()).toBe('8/500')
    await input.press('Shift+Enter')
    await input.pressSequentially('line two')
    expect(await input.inputValue()).toBe('line one\nline two')
    await input.press('Enter')
    await expect.poll(() => lastText(b, 'them')).toBe('line one\nline two')
    expect(await input.inputValue()).toBe('')
  })

  it('refuses a message over the limit without losing it', async () => {
    const input = a.page.getByTestId('message-input')
    await input.fill('x'.repeat(501))
    expect(await a.page.getByTestId('char-count').textContent()).toBe('501/500')
    expect(await a.page.getByTestId('send').isDisabled()).toBe(true)
    await input.press('Enter')
    expect(await input.inputValue()).toHaveLength(501)
    await input.fill('')
  })

  it('shows the typing indicator and clears it on send', async () => {
    await a.page.getByTestId('message-input').pressSequentially('typ')
    await expect.poll(() => b.page.getByTestId('typing').textContent()).toMatch(/is typing/)
    await a.page.getByTestId('message-input').press('Enter')
    await expect.poll(() => b.page.getByTestId('typing').count()).toBe(0)
    await expect.poll(() => lastText(b, 'them')).toBe('typ')
  })

  it('clears the typing indicator when the composer is emptied', async () => {
    const input = b.page.getByTestId('message-input')
    await input.pressSequentially('abc')
    await expect.poll(() => a.page.getByTestId('typing').count()).toBe(1)
    await input.fill('')
    await input.dispatchEvent('input')
    await expect.poll(() => a.page.getByTestId('typing').count()).toBe(0)
  })

  it('counts the partner’s messages in the tab title while the tab is hidden, and clears it on return', async () => {
    // The page's visibility is set from the test: headless Chromium keeps every tab visible.
    const setVisibility = (state: 'hidden' | 'visible') =>
      b.page.evaluate((value) => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => value })
        document.dispatchEvent(new Event('visibilitychange'))
      }, state)
    expect(await b.page.title()).toBe('Hush')
    await setVisibility('hidden')
    await send(a, 'while you were away')
    await send(a, 'and again')
    await expect.poll(() => b.page.title()).toBe('(2) Hush')
    await setVisibility('visible')
    await expect.poll(() => b.page.title()).toBe('Hush')
    // Messages read while visible are never counted later.
    await setVisibility('hidden')
    await send(a, 'one more')
    await expect.poll(() => b.page.title()).toBe('(1) Hush')
    await setVisibility('visible')
    await expect.poll(() => b.page.title()).toBe('Hush')
  })

  it('sets right-to-left messages right to left, in the list and in the composer', async () => {
    const hebrew = 'שלום, מה שלומך?'
    await a.page.getByTestId('message-input').fill(hebrew)
    expect(await a.page.getByTestId('message-input').evaluate((input) => getComputedStyle(input).direction)).toBe('rtl')
    await a.page.getByTestId('message-input').press('Enter')
    await expect.poll(() => lastText(b, 'them')).toBe(hebrew)
    const direction = (user: AppUser, from: 'me' | 'them') =>
      messages(user, from)
        .last()
        .locator('.text')
        .evaluate((text) => getComputedStyle(text).direction)
    expect(await direction(b, 'them')).toBe('rtl')
    expect(await direction(a, 'me')).toBe('rtl')
    await send(a, 'and back to English')
    await expect.poll(() => lastText(b, 'them')).toBe('and back to English')
    expect(await direction(b, 'them')).toBe('ltr')
  })

  it('renders XSS payloads as text and only https links as links', async () => {
    const payload = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> http://plain.test'
    await send(a, payload)
    await expect.poll(() => lastText(b, 'them')).toBe(payload)
    const last = messages(b, 'them').last()
    expect(await last.locator('img, script').count()).toBe(0)
    expect(await last.locator('a').count()).toBe(0)
    expect(await b.page.evaluate(() => window.__pwned)).toBeUndefined()

    await send(a, 'see https://example.org/path?q=1.')
    await expect.poll(() => lastText(b, 'them')).toBe('see https://example.org/path?q=1.')
    const link = messages(b, 'them').last().locator('a')
    expect(await link.getAttribute('href')).toBe('https://example.org/path?q=1')
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer nofollow')
  })

  it('never sends a message’s plaintext over the data channel', async () => {
    const secret = 'plaintext-canary-7f3a9 ünïcödé'
    await send(b, secret)
    await expect.poll(() => lastText(a, 'them')).toBe(secret)
    for (const user of [a, b]) {
      const frames = await user.page.evaluate(() => window.__sentFrames ?? [])
      expect(frames.length).toBeGreaterThan(4)
      const haystack = frames.map((frame) => Buffer.from(frame).toString('latin1')).join('\n')
      expect(haystack).not.toContain('plaintext-canary')
      expect(haystack).not.toContain(Buffer.from(secret).toString('latin1'))
      expect(haystack).not.toContain('"typing"')
      expect(haystack).not.toContain('hello from A')
      // After the two handshake frames (commitment, key), every frame is binary: nonce ‖ box.
      const readable = frames.filter((frame) => Buffer.from(frame).toString('latin1').startsWith('{'))
      expect(readable.length).toBeLessThanOrEqual(2)
    }
  })

  it('never lets a message reach the signaling server', () => {
    expect(toServer.some((data) => data.includes('signal:relay'))).toBe(true) // the tap saw the handshake
    const all = toServer.join('\n')
    for (const text of ['plaintext-canary', 'hello from A', 'hi A, B here', 'while you were away', 'example.org'])
      expect(all).not.toContain(text)
  })

  it('drops forged, garbled and replayed frames unseen, with one warning, and the chat goes on', async () => {
    const shown = await messages(b).count()
    await a.page.evaluate(() => {
      const channel = [...(window.__channels ?? [])].find((c) => c.readyState === 'open')!
      const frames = window.__sentFrames ?? []
      const last = Uint8Array.from(frames[frames.length - 1]!)
      channel.send(last) // replayed: a frame B has already opened
      const forged = Uint8Array.from(last)
      forged[forged.length - 1]! ^= 1 // one flipped bit: the MAC fails
      channel.send(forged)
      channel.send(new Uint8Array(64)) // garbage
      channel.send('{"t":"msg","id":"forged-0001","text":"in the clear","sentAt":1}') // plaintext after the handshake
    })
    const warnings = () =>
      b.page
        .getByTestId('notice')
        .allTextContents()
        .then((texts) => texts.filter((text) => /failed verification/.test(text)))
    await expect.poll(warnings).toHaveLength(1)
    await send(a, 'still talking')
    await expect.poll(() => lastText(b, 'them')).toBe('still talking')
    expect(await messages(b).count()).toBe(shown + 1)
    expect(await warnings()).toHaveLength(1)
    expect(await b.page.getByText('in the clear').count()).toBe(0)
  })

  it('keeps the newest message in view, and the reader’s place once they scroll up', async () => {
    const count = await messages(b, 'them').count()
    for (let i = 1; i <= 30; i++) await send(a, `filler ${i}`)
    await expect.poll(() => messages(b, 'them').count()).toBe(count + 30)
    const inView = (text: string) =>
      b.page.evaluate((wanted) => {
        const scroller = document.querySelector('.scroller')!
        const item = [...document.querySelectorAll('[data-testid="message"] .text')].find(
          (m) => m.textContent === wanted,
        )!
        const box = scroller.getBoundingClientRect()
        const at = item.getBoundingClientRect()
        return at.top >= box.top - 1 && at.bottom <= box.bottom + 1
      }, text)
    expect(
      await b.page.evaluate(
        () => document.querySelector('.scroller')!.scrollHeight > document.querySelector('.scroller')!.clientHeight,
      ),
    ).toBe(true)
    expect(await inView('filler 30')).toBe(true)
    expect(await inView('filler 1')).toBe(false)

    // Scrolled to the top to read: a new message must not move what the reader is looking at.
    await b.page.evaluate(() => document.querySelector('.scroller')!.scrollBy(0, -1e6))
    const reading = () =>
      b.page.evaluate(() => {
        const first = [...document.querySelectorAll('[data-testid="message"] .text')].find(
          (m) => m.textContent === 'filler 1',
        )!
        return first.getBoundingClientRect().top
      })
    const before = await reading()
    await send(a, 'filler 31')
    await expect.poll(() => messages(b, 'them').count()).toBe(count + 31)
    // Within a pixel (sub-pixel layout may round either way); a message pushing it would move it ~50 px.
    expect(Math.abs((await reading()) - before)).toBeLessThanOrEqual(1)
    expect(await inView('filler 31')).toBe(false)
  })

  it('keeps long chats light: the latest 100 messages in the page, earlier ones on request', async () => {
    const all = b.page.getByTestId('message')
    const before = await all.count()
    expect(before).toBeLessThan(100)
    for (let i = 1; i <= 105 - before; i++) await send(a, `long ${i}`)
    await expect.poll(() => lastText(b, 'them')).toBe(`long ${105 - before}`)
    expect(await all.count()).toBe(100)
    const earlier = b.page.getByTestId('show-earlier')
    expect(await earlier.textContent()).toContain('Show 5 earlier messages')
    await earlier.click()
    expect(await all.count()).toBe(105)
    expect(await earlier.count()).toBe(0)
  })

  it('hides the typing indicator after the partner stops typing for a while', async () => {
    await a.page.getByTestId('message-input').pressSequentially('abc')
    await expect.poll(() => b.page.getByTestId('typing').count()).toBe(1)
    // No further key: the sender's idle timer (3 s) sends "off".
    await expect.poll(() => b.page.getByTestId('typing').count(), { timeout: 8000 }).toBe(0)
    await a.page.getByTestId('message-input').fill('')
  })

  it('ends on End and tells the partner at once, peer to peer', async () => {
    await a.page.getByTestId('message-input').pressSequentially('about to go')
    await expect.poll(() => b.page.getByTestId('typing').count()).toBe(1)
    await a.page.getByTestId('end').click()
    await expectState(a, 'ended')
    await expectState(b, 'ended', 3000)
    await expect
      .poll(() => b.page.getByTestId('notice').allTextContents())
      .toContainEqual(expect.stringMatching(/left/))
    // The partner left while typing: no "is typing…" is left behind.
    expect(await b.page.getByTestId('typing').count()).toBe(0)
  })

  it('raised no console errors and no CSP violations', () => {
    expect(a.problems).toEqual([])
    expect(b.problems).toEqual([])
  })
})
