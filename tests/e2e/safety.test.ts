// Safety in real browsers: the rules gate, a report the operator can verify (signed in Chromium with
// WebCrypto, checked by the server with node:crypto), a block that keeps two people apart, and the proof
// of work a bot-wary server asks for, solved in a Web Worker without the person doing anything.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../support/browser.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'
import { closeUsers, expectState, lastText, openApp, pairUp, send, start, type AppUser } from '../support/app.ts'

const adminToken = 'e2e-admin-token-0123456789abcdefghijklmnop'
let server: TestServer
let browser: Browser
const users: AppUser[] = []

beforeAll(async () => {
  server = await startTestServer({ STATIC_DIR: 'app/dist', ADMIN_TOKEN: adminToken, POW: 'off' })
  browser = await launchBrowser()
})
afterEach(async () => {
  await closeUsers(...users.splice(0))
})
afterAll(async () => {
  await closeBrowsers()
  await closeAll()
})

async function user(on: TestServer = server, rulesAccepted = true): Promise<AppUser> {
  const opened = await openApp(browser, on.url, { rulesAccepted })
  users.push(opened)
  return opened
}

async function reports(): Promise<{ reason: string; note?: string; evidence: { text: string }[] }[]> {
  const answer = await fetch(`${server.url}/admin/reports`, { headers: { authorization: `Bearer ${adminToken}` } })
  return ((await answer.json()) as { reports: { reason: string; note?: string; evidence: { text: string }[] }[] })
    .reports
}

describe('the rules gate', () => {
  it('holds Start until the rules are accepted, and only on the first visit', async () => {
    const newcomer = await user(server, false)
    await expect.poll(() => newcomer.page.getByTestId('start').isDisabled()).toBe(true)
    await newcomer.page.getByTestId('rules-accept').click()
    await expect.poll(() => newcomer.page.getByTestId('start').isDisabled()).toBe(false)
    await newcomer.page.reload()
    await newcomer.page
      .getByTestId('my-name')
      .filter({ hasText: /\w+ \w+/ })
      .waitFor()
    expect(await newcomer.page.getByTestId('rules-accept').count()).toBe(0)
    expect(await newcomer.page.getByTestId('start').isDisabled()).toBe(false)
  })
})

describe('reports', () => {
  it('sends the ticked messages, signed, and the operator receives exactly those', async () => {
    const a = await user()
    const b = await user()
    await pairUp(a, b, 'any')
    for (const text of ['first', 'buy my crypto', 'last one']) {
      await send(b, text)
      await expect.poll(() => lastText(a, 'them')).toBe(text)
    }
    await send(a, 'my own words')
    await a.page.getByTestId('report').first().click()
    const evidence = a.page.getByTestId('report-evidence')
    await expect.poll(() => evidence.count()).toBe(3)
    await evidence.first().uncheck()
    await a.page.getByTestId('report-reason').selectOption('spam')
    await a.page.getByTestId('report-note').fill('sells crypto')
    await expect.poll(() => a.page.getByTestId('report-preview').textContent()).toMatch(/the 2 message\(s\)/)
    await a.page.getByTestId('report-send').click()
    await expect.poll(() => a.page.getByTestId('report-result').textContent()).toMatch(/Report sent/)
    const [report] = await reports()
    expect(report?.reason).toBe('spam')
    expect(report?.note).toBe('sells crypto')
    expect(report?.evidence.map((item) => item.text)).toEqual(['buy my crypto', 'last one'])
    // A second report of the same chat is refused, and the dialog says why.
    await a.page.keyboard.press('Escape')
    await a.page.getByTestId('report').first().click()
    await a.page.getByTestId('report-send').click()
    await expect.poll(() => a.page.getByTestId('report-result').textContent()).toMatch(/Not sent/)
    expect(await reports()).toHaveLength(1)
  })

  it('can be sent from a saved chat in History, after the chat', async () => {
    const a = await user()
    const b = await user()
    await pairUp(a, b, 'any')
    await send(b, 'remember this')
    await expect.poll(() => lastText(a, 'them')).toBe('remember this')
    await b.page.getByTestId('end').click()
    await expectState(a, 'ended')
    await a.page.getByTestId('history-open').click()
    await a.page.getByTestId('history-item').first().click()
    await a.page.locator('section.history').getByTestId('report').click()
    await expect.poll(() => a.page.getByTestId('report-evidence').count()).toBe(1)
    await a.page.getByTestId('report-send').click()
    await expect.poll(() => a.page.getByTestId('report-result').textContent()).toMatch(/Report sent/)
    expect((await reports()).some((report) => report.evidence[0]?.text === 'remember this')).toBe(true)
  })
})

describe('bans', () => {
  it('tells the person banned by the operator so, and until when, and keeps Start off', async () => {
    const trusting = await startTestServer({ STATIC_DIR: 'app/dist', ADMIN_TOKEN: adminToken, TRUST_PROXY: '1' })
    const a = await openApp(browser, trusting.url, { forwardedFor: '203.0.113.10' })
    const b = await openApp(browser, trusting.url, { forwardedFor: '203.0.113.20' })
    users.push(a, b)
    await pairUp(a, b, 'any')
    await send(b, 'something vile')
    await expect.poll(() => lastText(a, 'them')).toBe('something vile')
    await a.page.getByTestId('report').first().click()
    await a.page.getByTestId('report-send').click()
    await expect.poll(() => a.page.getByTestId('report-result').textContent()).toMatch(/Report sent/)
    const admin = { authorization: `Bearer ${adminToken}` }
    const listed = (await (await fetch(`${trusting.url}/admin/reports`, { headers: admin })).json()) as {
      reports: { reported: string }[]
    }
    const key = listed.reports[0]?.reported ?? ''
    const banned = await fetch(`${trusting.url}/admin/bans`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ key, ttlS: 3600 }),
    })
    expect(banned.status).toBe(200)
    await expect
      .poll(() => b.page.getByTestId('notice').allTextContents())
      .toContainEqual(expect.stringMatching(/banned from this Hush server until .*\d/))
    // The chat itself goes on peer to peer; once it ends, no new one can start.
    await b.page.getByTestId('end').click()
    await expect.poll(() => b.page.getByTestId('start').isDisabled()).toBe(true)
    // The reporter, on another address, goes on.
    await a.page.keyboard.press('Escape')
    await a.page.getByTestId('start').first().click()
    await expectState(a, 'searching')
  })
})

describe('block', () => {
  it('skips at once, and the two never meet again, even after each chatted with someone else', async () => {
    // Blocks are kept between addresses: each person here has their own.
    const trusting = await startTestServer({ STATIC_DIR: 'app/dist', TRUST_PROXY: '1' })
    let last = 40
    const user = async () => {
      const opened = await openApp(browser, trusting.url, { forwardedFor: `203.0.113.${++last}` })
      users.push(opened)
      return opened
    }
    const a = await user()
    const b = await user()
    await pairUp(a, b, 'any')
    await a.page.getByTestId('block').first().click()
    await expectState(a, 'searching')
    await expectState(b, 'ended')
    // Each chats with someone else, so the rule against an immediate rematch no longer keeps them apart.
    const c = await user()
    await start(c)
    await Promise.all([expectState(a, 'chatting'), expectState(c, 'chatting')])
    const d = await user()
    await start(b)
    await expectState(b, 'searching')
    await start(d)
    await Promise.all([expectState(b, 'chatting'), expectState(d, 'chatting')])
    await c.page.getByTestId('end').click()
    await d.page.getByTestId('end').click()
    await Promise.all([expectState(a, 'ended'), expectState(b, 'ended')])
    // Alone together in the queue, blocked: not paired; a newcomer takes the one who waited longest.
    await start(a)
    await expectState(a, 'searching')
    await start(b)
    await expectState(b, 'searching')
    const e = await user()
    await start(e)
    await Promise.all([expectState(a, 'chatting'), expectState(e, 'chatting')])
    await expectState(b, 'searching')
  })
})

describe('proof of work', () => {
  it('is solved in the background when the server asks, and the search goes on', async () => {
    const strict = await startTestServer({ STATIC_DIR: 'app/dist', POW: 'always' })
    const a = await user(strict)
    const b = await user(strict)
    await start(a)
    await expectState(a, 'searching')
    await start(b)
    await Promise.all([expectState(a, 'chatting', 30_000), expectState(b, 'chatting', 30_000)])
    expect([...a.problems, ...b.problems]).toEqual([])
  })
})
