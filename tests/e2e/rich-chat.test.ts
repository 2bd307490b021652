/// <reference lib="dom" />
// Browser-side callbacks (page.evaluate, init scripts) run in the page: DOM types apply there.
// Replies, reactions, edits, deletions and images between two real Chromium processes, end to end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator } from 'playwright-core'
import { closeBrowsers, launchBrowser } from '../support/browser.ts'
import { closeAll, startTestServer, type TestServer } from '../support/signaling.ts'
import { closeUsers, expectState, messages, openApp, pairUp, send, type AppUser } from '../support/app.ts'
import { metadataMarkers, pictureFromPage, savedPictures, withExifGps } from '../support/images.ts'

let server: TestServer
let browserA: Browser
let browserB: Browser
let a: AppUser
let b: AppUser

beforeAll(async () => {
  server = await startTestServer({ STATIC_DIR: 'app/dist' })
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

/** The message whose text is `text`, on `user`'s screen. */
const message = (user: AppUser, text: string): Locator =>
  user.page.getByTestId('message').filter({ has: user.page.locator('.text', { hasText: text }) })

async function act(user: AppUser, item: Locator, action: string, emoji?: string): Promise<void> {
  await item.getByTestId('message-actions').click()
  const button = emoji ? item.locator(`[data-testid="react"][data-emoji="${emoji}"]`) : item.getByTestId(action)
  await button.click()
}

/** Everything the page's history holds, as one JSON text. */
const savedText = (user: AppUser) =>
  user.page.evaluate(
    () =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('hush')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const all = open.result.transaction('chats').objectStore('chats').getAll()
          all.onsuccess = () => {
            open.result.close()
            resolve(JSON.stringify(all.result))
          }
        }
      }),
  )

describe('replies, reactions, edits and deletions', () => {
  it('replies both ways: the quote above the composer and in the message, a click shows the original', async () => {
    await send(a, 'which film did you like most?')
    const question = message(b, 'which film did you like most?')
    await question.waitFor()
    await act(b, question, 'reply')
    await expect
      .poll(() => b.page.locator('.composer [data-testid="reply-quote"]').textContent())
      .toBe('which film did you like most?')
    await send(b, 'the one with the lighthouse')
    const answer = message(a, 'the one with the lighthouse')
    await answer.waitFor()
    expect(await answer.getByTestId('reply-quote').textContent()).toContain('which film did you like most?')
    expect(await b.page.locator('.composer [data-testid="reply-quote"]').count()).toBe(0)
    await answer.getByTestId('reply-quote').click()
    await expect.poll(() => message(a, 'which film did you like most?').getAttribute('data-highlighted')).toBe('true')
    // And the other way, to a message of the partner's.
    await act(a, answer, 'reply')
    await send(a, 'me too')
    await expect
      .poll(() => message(b, 'me too').getByTestId('reply-quote').textContent())
      .toContain('the one with the lighthouse')
  })

  it('reacts both ways: one per person, a second choice replaces, the same one takes it back', async () => {
    await send(b, 'react to this')
    const mineOnB = message(b, 'react to this')
    const theirsOnA = message(a, 'react to this')
    await theirsOnA.waitFor()
    await act(a, theirsOnA, 'react', '👍')
    await expect.poll(() => mineOnB.getByTestId('reaction').getAttribute('data-emoji')).toBe('👍')
    expect(await mineOnB.getByTestId('reaction').getAttribute('data-mine')).toBe('false')
    expect(await theirsOnA.getByTestId('reaction').getAttribute('data-mine')).toBe('true')
    await act(a, theirsOnA, 'react', '❤️')
    await expect.poll(() => mineOnB.getByTestId('reaction').getAttribute('data-emoji')).toBe('❤️')
    expect(await mineOnB.getByTestId('reaction').count()).toBe(1)
    await act(b, mineOnB, 'react', '😂') // B on its own message: two reactions, one each
    await expect.poll(() => theirsOnA.getByTestId('reaction').count()).toBe(2)
    await act(a, theirsOnA, 'react', '❤️') // the same one again: taken back
    await expect.poll(() => mineOnB.locator('[data-testid="reaction"][data-emoji="❤️"]').count()).toBe(0)
    expect(await mineOnB.locator('[data-testid="reaction"][data-mine="true"]').getAttribute('data-emoji')).toBe('😂')
  })

  it('edits our own messages (shown edited on both sides); the partner’s cannot be edited or unsent', async () => {
    await send(a, 'see you tomorow')
    const mine = message(a, 'see you tomorow')
    await message(b, 'see you tomorow').waitFor()
    await act(a, mine, 'edit')
    const input = a.page.getByTestId('message-input')
    await expect.poll(() => input.inputValue()).toBe('see you tomorow')
    await input.fill('see you tomorrow')
    await input.press('Enter')
    const edited = message(b, 'see you tomorrow')
    await expect.poll(() => edited.getAttribute('data-edited')).toBe('true')
    expect(await message(a, 'see you tomorrow').getAttribute('data-edited')).toBe('true')
    expect(await message(b, 'see you tomorow').count()).toBe(0)
    expect(await input.inputValue()).toBe('')
    // Up in the empty box edits the last one again.
    await input.press('ArrowUp')
    await expect.poll(() => input.inputValue()).toBe('see you tomorrow')
    await input.press('Escape')
    await expect.poll(() => input.inputValue()).toBe('')
    await edited.getByTestId('message-actions').click()
    expect(await edited.getByTestId('reply').count()).toBe(1)
    expect(await edited.getByTestId('edit').count()).toBe(0)
    expect(await edited.getByTestId('unsend').count()).toBe(0)
    await b.page.keyboard.press('Escape')
  })

  it('unsends: "Message deleted" on both sides, and the text leaves both histories', async () => {
    await send(a, 'unsend-canary-51c2')
    await message(b, 'unsend-canary-51c2').waitFor()
    await act(a, message(a, 'unsend-canary-51c2'), 'unsend')
    const gone = (user: AppUser) => messages(user).filter({ hasText: 'Message deleted' })
    await expect.poll(() => gone(b).getAttribute('data-deleted')).toBe('true')
    expect(await gone(a).getAttribute('data-deleted')).toBe('true')
    for (const user of [a, b]) {
      expect(await user.page.getByText('unsend-canary-51c2').count()).toBe(0)
      await expect.poll(() => savedText(user)).not.toContain('unsend-canary-51c2')
    }
  })

  it('renders markup in messages, edits and quotes as text', async () => {
    const payload = '<img src=x onerror="window.__pwned=1"><b>bold</b>'
    await send(b, payload)
    const item = message(a, payload)
    await item.waitFor()
    await act(a, item, 'reply')
    await send(a, '<script>window.__pwned=2</script>')
    const mine = message(b, '<script>window.__pwned=2</script>')
    await mine.waitFor()
    expect(await mine.getByTestId('reply-quote').textContent()).toContain(payload)
    await act(a, message(a, '<script>window.__pwned=2</script>'), 'edit')
    await a.page.getByTestId('message-input').fill('<svg onload="window.__pwned=3"></svg>')
    await a.page.getByTestId('message-input').press('Enter')
    await message(b, '<svg onload="window.__pwned=3"></svg>').waitFor()
    for (const user of [a, b]) {
      expect(await user.page.evaluate(() => window.__pwned)).toBeUndefined()
      expect(await user.page.locator('.messages b, .messages svg, .messages script').count()).toBe(0)
    }
  })
})

describe('images', () => {
  it('arrives without any metadata: the EXIF block with a GPS position never leaves the sender', async () => {
    const canary = 'GPS-CANARY-93d1'
    const photo = withExifGps(await pictureFromPage(a.page, 1200, 900), canary)
    expect(metadataMarkers(photo)).toEqual({ app1: true, exif: true })
    await a.page
      .getByTestId('image-attach')
      .setInputFiles({ name: 'holiday.jpg', mimeType: 'image/jpeg', buffer: photo })
    const offer = b.page.getByTestId('image').last()
    await expect.poll(() => offer.getAttribute('data-status')).toBe('offered')
    expect(await offer.locator('img').count()).toBe(0) // nothing shows before Accept
    await offer.getByTestId('image-accept').click()
    await expect.poll(() => offer.getAttribute('data-status')).toBe('done')
    expect(await offer.getAttribute('data-blurred')).toBe('true')
    await offer.getByRole('button').click()
    await expect.poll(() => offer.getAttribute('data-blurred')).toBe('false')
    const dimensions = await offer
      .locator('img')
      .evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])
    expect(dimensions).toEqual([1200, 900])
    await expect.poll(async () => (await savedPictures(b.page)).length).toBe(1)
    const [received] = await savedPictures(b.page)
    expect(metadataMarkers(received!)).toEqual({ app1: false, exif: false })
    expect(received!.includes(Buffer.from(canary))).toBe(false)
    expect(received!.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]))
    await expect.poll(() => a.page.getByTestId('image').last().getAttribute('data-status')).toBe('done')
  })

  it('a declined image never shows, and the sender is told', async () => {
    const photo = await pictureFromPage(b.page, 640, 480)
    await b.page.getByTestId('image-attach').setInputFiles({ name: 'x.jpg', mimeType: 'image/jpeg', buffer: photo })
    const offer = a.page.getByTestId('image').last()
    await expect.poll(() => offer.getAttribute('data-status')).toBe('offered')
    await offer.getByRole('button', { name: 'Decline' }).click()
    await expect.poll(() => offer.getAttribute('data-status')).toBe('failed')
    await expect.poll(() => b.page.getByTestId('image').last().getAttribute('data-status')).toBe('failed')
    expect(await offer.locator('img').count()).toBe(0)
  })

  it('a message typed during a large transfer arrives before it ends, with progress on both sides', async () => {
    const photo = await pictureFromPage(a.page, 2000, 1800, { noise: true })
    expect(photo.length).toBeGreaterThan(3_000_000)
    // Records, in each page, when progress showed, and when the text and the picture arrived. The sender
    // types its message the moment its progress appears: the whole picture is still to go, however fast
    // this machine moves it.
    for (const user of [a, b])
      await user.page.evaluate((sender) => {
        const seen: Record<string, number> = {}
        ;(window as unknown as { __seen: typeof seen }).__seen = seen
        new MutationObserver(() => {
          if (document.querySelector('[data-testid="image-progress"]') && seen.progress === undefined) {
            seen.progress = performance.now()
            if (!sender) return
            const input = document.querySelector<HTMLTextAreaElement>('[data-testid="message-input"]')!
            input.value = 'typed-during-transfer'
            input.dispatchEvent(new Event('input', { bubbles: true }))
            input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }))
          }
          if (document.querySelector('[data-testid="image"][data-status="done"][data-blurred="true"]'))
            seen.done ??= performance.now()
          if ([...document.querySelectorAll('.text')].some((el) => el.textContent === 'typed-during-transfer'))
            seen.text ??= performance.now()
        }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true })
      }, user === a)
    await a.page.getByTestId('image-attach').setInputFiles({ name: 'noise.jpg', mimeType: 'image/jpeg', buffer: photo })
    const offer = b.page.getByTestId('image').last()
    await expect.poll(() => offer.getAttribute('data-status')).toBe('offered')
    await offer.getByTestId('image-accept').click()
    await expect.poll(() => offer.getAttribute('data-status'), { timeout: 30_000 }).toBe('done')
    await message(b, 'typed-during-transfer').waitFor()
    const seen = await b.page.evaluate(() => (window as unknown as { __seen: Record<string, number> }).__seen)
    expect(seen.progress).toBeDefined()
    expect(seen.text).toBeLessThan(seen.done!)
    const sent = await a.page.evaluate(() => (window as unknown as { __seen: Record<string, number> }).__seen)
    expect(sent.progress).toBeDefined()
    expect(sent.text).toBeDefined() // shown on the sender's side too: it left
  })

  it('takes an image pasted into the composer or dropped on the chat, as from the file picker', async () => {
    const offers = b.page.locator('[data-testid="image"][data-status="offered"]')
    const before = await offers.count()
    for (const way of ['paste', 'drop'] as const)
      await a.page.evaluate(async (way) => {
        const canvas = new OffscreenCanvas(64, 48)
        canvas.getContext('2d')!.fillRect(0, 0, 64, 48)
        const file = new File([await canvas.convertToBlob({ type: 'image/png' })], `${way}.png`, { type: 'image/png' })
        const data = new DataTransfer()
        data.items.add(file)
        if (way === 'paste')
          document
            .querySelector('[data-testid="message-input"]')!
            .dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
        else {
          const chat = document.querySelector('section.chat')!
          chat.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }))
          chat.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
        }
      }, way)
    await expect.poll(() => offers.count()).toBe(before + 2)
    // A picture that may be transparent goes as WebP, sized as it was.
    expect(await offers.last().textContent()).toContain('64 × 48')
    expect(await a.page.getByTestId('message-input').inputValue()).toBe('')
  })

  it('sends no plaintext of any new frame over the data channel', async () => {
    for (const user of [a, b]) {
      const frames = await user.page.evaluate(() => (window.__sentFrames ?? []).filter((frame) => frame.length < 2000))
      const haystack = frames.map((frame) => Buffer.from(frame).toString('latin1')).join('\n')
      for (const marker of [
        'replyTo',
        '"react"',
        'editedAt',
        '"unsend"',
        'img-offer',
        'img-accept',
        'lighthouse',
        'tomorrow',
      ])
        expect(haystack).not.toContain(marker)
    }
  })

  it('keeps replies, reactions, edits, deletions and images in history, shown again after a reload', async () => {
    await a.page.getByTestId('end').click()
    await expectState(a, 'ended')
    await a.page.reload()
    await a.page.getByTestId('history-open').click()
    await a.page.getByTestId('history-item').first().click()
    const saved = a.page.getByTestId('message')
    await expect
      .poll(() => saved.filter({ hasText: 'me too' }).getByTestId('reply-quote').textContent())
      .toContain('the one with the lighthouse')
    expect(await saved.filter({ hasText: 'react to this' }).getByTestId('reaction').getAttribute('data-emoji')).toBe(
      '😂',
    )
    expect(await saved.filter({ hasText: 'see you tomorrow' }).getAttribute('data-edited')).toBe('true')
    expect(await a.page.locator('[data-testid="message"][data-deleted="true"]').count()).toBe(1)
    expect(await a.page.locator('[data-testid="image"][data-status="done"] img').count()).toBe(2)
    expect(await a.page.locator('[data-testid="message-actions"]').count()).toBe(0)
  })
})
