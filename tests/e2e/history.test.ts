/// <reference lib="dom" />
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../support/browser.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'
import {
  closeUsers,
  expectState,
  lastText,
  messages,
  notices,
  openApp,
  pairUp,
  send,
  savedMessageCount,
  savedStatuses,
  type AppUser,
} from '../support/app.ts'

let server: TestServer
let browser: Browser
let otherBrowser: Browser
let a: AppUser
let b: AppUser
let c: AppUser

beforeAll(async () => {
  server = await startTestServer({ STATIC_DIR: 'app/dist' })
  ;[browser, otherBrowser] = await Promise.all([launchBrowser(), launchBrowser()])
  a = await openApp(browser, server.url)
  b = await openApp(otherBrowser, server.url)
  c = await openApp(otherBrowser, server.url)
})
afterAll(async () => {
  await closeUsers(a, b, c)
  await closeBrowsers()
  await closeAll()
})

/** Puts raw values into the app's history store, as an older version or a tampered one left them. */
async function storeEntries(user: AppUser, entries: [key: string | [string, number], value: unknown][]): Promise<void> {
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

describe('local history', () => {
  it('saves the chat as it happens and has it complete after a reload', async () => {
    await pairUp(a, b)
    await send(a, 'first from A')
    await expect.poll(() => lastText(b, 'them')).toBe('first from A')
    await send(b, 'reply from B')
    await expect.poll(() => lastText(a, 'them')).toBe('reply from B')
    await expect.poll(() => messages(a, 'me').last().getAttribute('data-status')).toBe('delivered')
    // Batched: written shortly after, without ending the chat.
    await expect.poll(() => savedMessageCount(a)).toBe(2)

    await a.page.reload()
    await a.page.getByTestId('my-name').filter({ hasText: /\w/ }).waitFor()
    await expectState(b, 'ended', 10_000)
    await a.page.getByTestId('history-open').click()
    await expect.poll(() => a.page.getByTestId('history-item').count()).toBe(1)
    await a.page.getByTestId('history-item').click()
    // Opening reads the chat's messages from IndexedDB: wait for them.
    await expect.poll(() => messages(a).locator('.text').allTextContents()).toEqual(['first from A', 'reply from B'])
  })

  it('exports a chat as JSON and as plain text', async () => {
    const [jsonDownload] = await Promise.all([
      a.page.waitForEvent('download'),
      a.page.getByTestId('history-export').click(),
    ])
    const json = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8')) as {
      messages: { from: string; text: string; status: string }[]
      partnerName: string
    }
    expect(json.messages.map((m) => [m.from, m.text])).toEqual([
      ['me', 'first from A'],
      ['them', 'reply from B'],
    ])
    expect(json.messages[0]!.status).toBe('delivered')

    const [textDownload] = await Promise.all([
      a.page.waitForEvent('download'),
      a.page.getByTestId('history-export-text').click(),
    ])
    const text = await readFile((await textDownload.path())!, 'utf8')
    expect(text).toContain(`${json.partnerName}: reply from B`)
    expect(text).toMatch(/^Times are local time, UTC[+-]\d\d:\d\d\./m)
    // Readable and safe: the local start time, then the partner's name in letters and dashes.
    const name = json.partnerName.replace(/ /g, '-')
    expect(textDownload.suggestedFilename()).toMatch(new RegExp(`^hush-\\d{4}-\\d\\d-\\d\\d-\\d{4}-${name}\\.txt$`))
    expect(jsonDownload.suggestedFilename()).toMatch(new RegExp(`^hush-\\d{4}-\\d\\d-\\d\\d-\\d{4}-${name}\\.json$`))
  })

  it('lists chats newest first, deletes one, then clears all (persisting across reloads)', async () => {
    await a.page.getByTestId('history-open').click()
    await pairUp(a, c)
    await send(c, 'second chat')
    await expect.poll(() => lastText(a, 'them')).toBe('second chat')
    const cName = await c.page.getByTestId('my-name').textContent()
    await a.page.getByTestId('end').click()
    await expectState(a, 'ended')

    await a.page.getByTestId('history-open').click()
    await expect.poll(() => a.page.getByTestId('history-item').count()).toBe(2)
    expect(await a.page.getByTestId('history-item').first().textContent()).toContain(cName)

    await a.page.getByTestId('history-item').first().click()
    await a.page.getByTestId('history-delete').click()
    await expect.poll(() => a.page.getByTestId('history-item').count()).toBe(1)
    // The deleted chat's messages went with it; the other chat's two stay.
    expect(await savedMessageCount(a)).toBe(2)

    await a.page.reload()
    await a.page.getByTestId('history-open').click()
    await expect.poll(() => a.page.getByTestId('history-item').count()).toBe(1)
    await a.page.getByTestId('history-clear').click()
    await a.page.getByTestId('history-clear').click()
    await expect.poll(() => a.page.getByTestId('history-item').count()).toBe(0)
    await a.page.reload()
    await a.page.getByTestId('history-open').click()
    await expect.poll(() => a.page.getByText('No saved chats').count()).toBe(1)
    expect(await savedMessageCount(a)).toBe(0)
  })

  it('saves a long chat as it goes and reads it back whole and in order, acks included', async () => {
    await a.page.getByTestId('history-close').click()
    await pairUp(a, c)
    const count = 120
    for (let i = 1; i <= count; i++) await send(c, `long ${i}`)
    await expect.poll(() => lastText(a, 'them'), { timeout: 20_000 }).toBe(`long ${count}`)
    await send(a, 'the reply')
    await expect.poll(() => messages(a, 'me').last().getAttribute('data-status')).toBe('delivered')
    // The reply's ack is written in a batch after the reply itself: wait for it, not just for the count.
    await expect
      .poll(async () => {
        const statuses = await savedStatuses(a)
        return [statuses.length, statuses.at(-1)]
      })
      .toEqual([count + 1, 'delivered'])

    await a.page.reload()
    await a.page.getByTestId('history-open').click()
    const item = a.page.getByTestId('history-item')
    await expect.poll(() => item.count()).toBe(1)
    expect(await item.textContent()).toMatch(new RegExp(`${count + 1}\\s+messages`))
    expect(await item.textContent()).toContain('the reply')
    await item.click()
    await a.page.getByTestId('show-earlier').click()
    await expect
      .poll(() => messages(a).locator('.text').allTextContents())
      .toEqual([...Array.from({ length: count }, (_, i) => `long ${i + 1}`), 'the reply'])
    expect(await messages(a, 'me').last().getAttribute('data-status')).toBe('delivered')
  })

  it('still reads a chat saved whole by the first version of the store', async () => {
    await storeEntries(a, [
      [
        'legacy-chat',
        {
          chatId: 'legacy-chat',
          myName: 'Calm Otter',
          partnerName: 'Old Friend',
          startedAt: Date.now() + 60_000, // newest: first in the list
          endedAt: null,
          messages: [
            { id: 'legacy-1-abcdef', from: 'them', text: 'from before', at: 1, status: 'received' },
            { id: 'legacy-2-abcdef', from: 'me', text: 'still here', at: 2, status: 'delivered' },
          ],
        },
      ],
    ])
    await a.page.reload()
    await a.page.getByTestId('history-open').click()
    const first = a.page.getByTestId('history-item').first()
    await expect.poll(() => first.textContent()).toContain('Old Friend')
    expect(await first.textContent()).toMatch(/2\s+messages/)
    await first.click()
    await expect.poll(() => messages(a).locator('.text').allTextContents()).toEqual(['from before', 'still here'])
  })

  it('opens a chat saved with repeated message ids (a partner who reused ours) without breaking the list', async () => {
    const mine = { id: 'shared-abcdef', from: 'me', text: 'hello', at: 1, status: 'delivered' }
    const forged = { ...mine, from: 'them', text: 'I agree to send the money', status: 'received' }
    const replayed = { id: 'twice-abcdef', from: 'them', text: 'once', at: 3, status: 'received' }
    const head = {
      v: 2,
      chatId: 'repeated-ids',
      myName: 'Calm Otter',
      partnerName: 'Sly Fox',
      startedAt: Date.now() + 120_000, // newest: first in the list
      endedAt: null,
      messageCount: 4,
      lastText: 'once',
    }
    await storeEntries(a, [
      ['repeated-ids', head],
      [
        ['repeated-ids', 0],
        [mine, forged, replayed, replayed],
      ],
    ])
    // Back to the list, then out of History: opening it again reads the store.
    await a.page.getByTestId('history-close').click()
    await a.page.getByTestId('history-close').click()
    await a.page.getByTestId('history-open').click()
    const first = a.page.getByTestId('history-item').first()
    await expect.poll(() => first.textContent()).toContain('Sly Fox')
    for (let i = 0; i < 2; i++) {
      await first.click()
      await expect
        .poll(() => messages(a).locator('.text').allTextContents())
        .toEqual(['hello', 'I agree to send the money', 'once'])
      await a.page.getByTestId('history-close').click()
    }
  })

  it('deleting the chat that is going on stops saving it, and the chat says so', async () => {
    await a.page.getByTestId('history-close').click() // out of History
    await pairUp(a, c)
    await send(c, 'before the delete')
    await expect.poll(() => lastText(a, 'them')).toBe('before the delete')
    await a.page.getByTestId('history-open').click() // the list is read after pending saves are written
    await expect
      .poll(() => a.page.getByTestId('history-item').allTextContents())
      .toContainEqual(expect.stringContaining('before the delete'))
    await a.page.getByTestId('history-clear').click()
    await a.page.getByTestId('history-clear').click()
    await expect.poll(() => a.page.getByText('No saved chats').count()).toBe(1)
    await a.page.getByTestId('history-open').click() // back to the chat
    await expect.poll(() => notices(a)).toContainEqual(expect.stringMatching(/deleted this chat from history/))
    await send(c, 'after the delete')
    await expect.poll(() => lastText(a, 'them')).toBe('after the delete')
    await a.page.getByTestId('end').click() // ending saves the end time, unless the chat is no longer saved
    // A next chat's save is written after anything of the last one: once it is listed, the store is complete.
    await pairUp(a, b)
    await send(b, 'next chat')
    await expect.poll(() => lastText(a, 'them')).toBe('next chat')
    await a.page.getByTestId('history-open').click()
    await expect
      .poll(() => a.page.getByTestId('history-item').allTextContents())
      .toEqual([expect.stringContaining('next chat')])
    expect(await savedMessageCount(a)).toBe(1)
  })

  it('keeps keyboard focus in place: on the opened chat, back on its item, then on the History button', async () => {
    const focused = () =>
      a.page.evaluate(() => {
        const active = document.activeElement
        return active?.getAttribute('data-testid') ?? active?.tagName.toLowerCase()
      })
    await a.page.getByTestId('history-item').first().focus()
    await a.page.keyboard.press('Enter')
    await expect.poll(focused).toBe('h2')
    await a.page.getByTestId('history-close').focus()
    await a.page.keyboard.press('Enter') // back to the list
    await expect.poll(focused).toBe('history-item')
    await a.page.getByTestId('history-close').focus()
    await a.page.keyboard.press('Enter') // out of History: back on the button that opened it (the chat stayed)
    await expect.poll(focused).toBe('history-open')

    await a.page.reload() // the lobby, which has no focus of its own
    await a.page.getByTestId('history-open').click()
    await a.page.getByTestId('history-close').focus()
    await a.page.keyboard.press('Enter')
    await expect.poll(focused).toBe('history-open')
  })

  it('raised no console errors and no CSP violations', () => {
    expect(a.problems).toEqual([])
  })
})
