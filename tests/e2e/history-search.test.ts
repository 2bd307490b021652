/// <reference lib="dom" />
// History search and import in real Chromium over the app's real IndexedDB: chats are laid in the
// store as the app lays them (entriesFor), then found, opened, exported, deleted and imported back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../support/browser.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'
import { closeUsers, messages, openApp, savedMessageCount, type AppUser } from '../support/app.ts'
import { entriesFor } from '../../app/src/lib/history/layout.ts'
import type { ChatRecord } from '../../app/src/lib/history/record.ts'

let server: TestServer
let browser: Browser
let a: AppUser

const now = Date.now()

function chat(chatId: string, partnerName: string, startedAt: number, texts: string[]): ChatRecord {
  return {
    chatId,
    myName: 'Calm Otter',
    partnerName,
    startedAt,
    endedAt: startedAt + 3_600_000,
    messages: texts.map((text, i) => ({
      id: `${chatId}-${i}-abcdef`,
      from: i % 2 ? 'them' : 'me',
      text,
      at: startedAt + i * 1_000,
      status: i % 2 ? 'received' : 'delivered',
    })),
  }
}

/** 300 messages: the 21st, far outside the newest 100 the list shows, is the only one about a zebra. */
const longChat = chat(
  'long-chat',
  'Quiet Heron',
  now - 3 * 86_400_000,
  Array.from({ length: 300 }, (_, i) => (i === 20 ? 'We saw a ZEBRA near the café' : `filler message ${i}`)),
)
const fruitChats = [
  chat('fruit-1', 'Amber Fox', now - 2 * 86_400_000, ['hello', 'I like pineapple on pizza']),
  chat('fruit-2', 'Bold Lynx', now - 86_400_000, ['PINEAPPLE juice?', 'no thanks']),
  chat('fruit-3', 'Cyan Crane', now, ['un jus de pinéapple', 'ok']),
]

/** Lays chats in the app's history store exactly as the app writes them. */
async function storeChats(user: AppUser, records: ChatRecord[]): Promise<void> {
  const entries = records.flatMap((record) => entriesFor(record, 0))
  await user.page.evaluate(
    (entries) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('hush')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const tx = open.result.transaction('chats', 'readwrite')
          for (const [key, value] of entries) tx.objectStore('chats').put(value, key)
          tx.oncomplete = () => (open.result.close(), resolve())
          tx.onerror = () => reject(tx.error)
        }
      }),
    entries,
  )
}

const items = () => a.page.getByTestId('history-item')
const results = () => a.page.getByTestId('history-result')
const importResult = () => a.page.getByTestId('history-import-result').textContent()

async function openHistory(): Promise<void> {
  await a.page.reload()
  await a.page.getByTestId('my-name').filter({ hasText: /\w/ }).waitFor()
  await a.page.getByTestId('history-open').click()
  await expect.poll(() => items().count()).toBeGreaterThan(0)
}

async function searchFor(query: string): Promise<void> {
  await a.page.getByTestId('history-search').fill(query)
}

/** Whether an element lies wholly inside the window (scrolled to). */
const inView = (locator: ReturnType<AppUser['page']['locator']>) =>
  locator.evaluate((element) => {
    const box = element.getBoundingClientRect()
    return box.top >= 0 && box.bottom <= window.innerHeight
  })

beforeAll(async () => {
  server = await startTestServer({ STATIC_DIR: 'app/dist' })
  browser = await launchBrowser()
  a = await openApp(browser, server.url)
  await storeChats(a, [longChat, ...fruitChats])
})
afterAll(async () => {
  await closeUsers(a)
  await closeBrowsers()
  await closeAll()
})

describe('history search', () => {
  it('finds a message outside the newest 100 of a long chat and opens the chat there, highlighted', async () => {
    await openHistory()
    await searchFor('zebra')
    await expect.poll(() => results().count()).toBe(1)
    const result = results().first()
    expect(await result.locator('strong').textContent()).toBe('Quiet Heron')
    expect(await result.locator('mark').textContent()).toBe('ZEBRA')
    expect(await a.page.getByTestId('history-search-status').textContent()).toBe('1 message found.')

    await result.click()
    const found = a.page.locator('[data-testid="message"][data-highlighted="true"]')
    await found.waitFor()
    expect(await found.locator('.text').textContent()).toBe('We saw a ZEBRA near the café')
    expect(await messages(a).count()).toBeLessThanOrEqual(100) // the part around it, not all 300
    await expect.poll(() => inView(found)).toBe(true)
    expect(await found.evaluate((element) => element === document.activeElement)).toBe(true)
    // Highlighted visibly, not only by attribute.
    expect(await found.evaluate((element) => getComputedStyle(element).outlineStyle)).toBe('solid')

    await a.page.getByTestId('history-latest').click()
    await expect.poll(() => messages(a).last().locator('.text').textContent()).toBe('filler message 299')
  })

  it('searches every chat, case- and accent-insensitively, and Enter on a result opens it', async () => {
    await a.page.getByTestId('history-close').click() // back to the results
    await searchFor('Pineapple')
    await expect.poll(() => results().count()).toBe(3)
    expect(await results().locator('strong').allTextContents()).toEqual(['Cyan Crane', 'Bold Lynx', 'Amber Fox'])
    expect(await results().locator('mark').allTextContents()).toEqual(['pinéapple', 'PINEAPPLE', 'pineapple'])
    expect(await a.page.getByTestId('history-search-status').textContent()).toBe('3 messages found.')

    await a.page.getByTestId('history-search').press('ArrowDown')
    await a.page.keyboard.press('ArrowDown')
    await a.page.keyboard.press('Enter')
    const found = a.page.locator('[data-testid="message"][data-highlighted="true"]')
    await found.waitFor()
    expect(await a.page.locator('#history-title').textContent()).toBe('Bold Lynx')
    expect(await found.locator('.text').textContent()).toBe('PINEAPPLE juice?')
    await a.page.keyboard.press('Tab') // focus was on the found message: the page goes on from there
    await a.page.getByTestId('history-close').click()
    await expect.poll(() => results().count()).toBe(3)
  })

  it('shows markup in a message as text', async () => {
    await storeChats(a, [chat('markup', 'Sly Fox', now + 1_000, ['<img src=x onerror="window.__pwned=1"> needle'])])
    await openHistory()
    await searchFor('needle')
    await expect.poll(() => results().count()).toBe(1)
    expect(await results().first().locator('img').count()).toBe(0)
    expect(await results().first().textContent()).toContain('<img src=x')
    expect(await a.page.evaluate(() => window.__pwned)).toBeUndefined()
  })
})

describe('history import', () => {
  let exported = ''

  it('imports an exported chat back after it was deleted, with all its messages', async () => {
    await openHistory()
    const before = await items().count()
    const stored = await savedMessageCount(a)
    await items().filter({ hasText: 'Quiet Heron' }).click()
    const [download] = await Promise.all([
      a.page.waitForEvent('download'),
      a.page.getByTestId('history-export').click(),
    ])
    exported = (await download.path())!
    await a.page.getByTestId('history-delete').click()
    await expect.poll(() => items().count()).toBe(before - 1)
    expect(await savedMessageCount(a)).toBe(stored - 300)

    await a.page.getByTestId('history-import').setInputFiles(exported)
    await expect.poll(importResult).toBe('Imported 1 chat.')
    // In the list at once, and in the store whole.
    await expect.poll(() => items().count()).toBe(before)
    expect(await items().filter({ hasText: 'Quiet Heron' }).textContent()).toMatch(/300\s+messages/)
    expect(await savedMessageCount(a)).toBe(stored)
    await searchFor('zebra')
    await expect.poll(() => results().count()).toBe(1)
    await results().first().click()
    await a.page.locator('[data-testid="message"][data-highlighted="true"]').waitFor()
  })

  it('does not duplicate a chat already in the history, and says so', async () => {
    await openHistory()
    const before = await items().count()
    const stored = await savedMessageCount(a)
    await a.page.getByTestId('history-import').setInputFiles(exported)
    await expect.poll(importResult).toBe('This chat is already in your history: nothing was imported.')
    expect(await items().count()).toBe(before)
    expect(await savedMessageCount(a)).toBe(stored)
  })

  it('refuses a file that is not JSON, or JSON that is not an export, saying what is wrong and changing nothing', async () => {
    await openHistory()
    const before = await items().allTextContents()
    const stored = await savedMessageCount(a)
    const input = a.page.getByTestId('history-import')
    await input.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"chatId": ') })
    await expect
      .poll(importResult)
      .toMatch(/^“broken\.json” can’t be imported: it is not valid JSON \(.+\)\. Nothing was changed\.$/)
    await input.setInputFiles({
      name: 'shape.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"hello": "world"}'),
    })
    await expect
      .poll(importResult)
      .toBe('“shape.json” can’t be imported: the chat has no valid “chatId”. Nothing was changed.')
    const oneBadMessage = { ...fruitChats[0]!, chatId: 'new-chat', messages: [{ id: 'x', text: 'no sender' }] }
    await input.setInputFiles({
      name: 'msg.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(oneBadMessage)),
    })
    await expect
      .poll(importResult)
      .toBe('“msg.json” can’t be imported: message 1 of the chat is malformed. Nothing was changed.')
    expect(await items().allTextContents()).toEqual(before)
    expect(await savedMessageCount(a)).toBe(stored)
  })

  it('raised no console errors and no CSP violations', () => {
    expect(a.problems).toEqual([])
  })
})
