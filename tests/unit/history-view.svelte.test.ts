// The History view as Svelte renders it (happy-dom), over a store in memory that can be made to fail.
import { flushSync, mount, unmount } from 'svelte'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defaultLimits } from '#protocol'
import History from '../../app/src/components/History.svelte'
import type { SignalingSocket } from '../../app/src/lib/matchmaking/signaling.ts'
import { Safety } from '../../app/src/lib/safety/safety.ts'
import type { ChatRecord } from '../../app/src/lib/history/record.ts'
import { Library } from '../../app/src/lib/history/library.svelte.ts'
import { memoryHistory, type MemoryHistory } from '../support/memory-history.ts'

const chat = (chatId: string, partnerName: string, startedAt: number): ChatRecord => ({
  chatId,
  myName: 'Calm Otter',
  partnerName,
  startedAt,
  endedAt: startedAt + 60_000,
  messages: [
    { id: `${chatId}-1-abcdef`, from: 'them', text: `hi from ${partnerName}`, at: startedAt, status: 'received' },
  ],
})

let cleanup: () => void = () => {}
afterEach(() => cleanup())

/** History over three saved chats (newest first: Cyan Crane, Bold Lynx, Amber Fox), as the app mounts it. */
async function view(prepare: (history: MemoryHistory) => void = () => {}) {
  const history = memoryHistory()
  const library = new Library(async () => history.store)
  library.save(chat('c1', 'Amber Fox', 1_000))
  library.save(chat('c2', 'Bold Lynx', 2_000))
  library.save(chat('c3', 'Cyan Crane', 3_000))
  await library.flush()
  prepare(history)
  const target = document.body.appendChild(document.createElement('div'))
  // Offline: Report and Block show on chats within the window, and would say so if pressed.
  const safety = new Safety({ connected: false } as SignalingSocket, () => defaultLimits)
  const component = mount(History, { target, props: { library, safety, onclose: () => {} } })
  flushSync()
  cleanup = () => (unmount(component), target.remove())
  const byTestId = (id: string) => [...target.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)]
  const one = (id: string) => {
    const [element] = byTestId(id)
    if (!element) throw new Error(`no ${id}`)
    return element
  }
  return {
    history,
    library,
    target,
    byTestId,
    one,
    items: () => byTestId('history-item').map((item) => item.querySelector('strong')?.textContent),
    problem: () => byTestId('history-error')[0]?.textContent ?? null,
    shownMessages: () => byTestId('message').map((m) => m.querySelector('.text')?.textContent?.trim()),
  }
}

describe('History view: storage errors', () => {
  it('says so when the list cannot be read, rather than "No saved chats"', async () => {
    const { problem, target } = await view((history) => history.failing.add('summaries'))
    await vi.waitFor(() => expect(problem()).toMatch(/Couldn’t read the saved chats \(summaries refused\)/))
    expect(target.textContent).not.toContain('No saved chats')
  })

  it('says so when a chat cannot be opened; the list stays, and trying again works', async () => {
    const { history, byTestId, items, problem, shownMessages } = await view()
    await vi.waitFor(() => expect(items()).toEqual(['Cyan Crane', 'Bold Lynx', 'Amber Fox']))
    history.failing.add('load')
    byTestId('history-item')[1]!.click()
    await vi.waitFor(() => expect(problem()).toMatch(/Couldn’t open this chat \(load refused\)/))
    expect(items()).toEqual(['Cyan Crane', 'Bold Lynx', 'Amber Fox'])
    history.failing.delete('load')
    byTestId('history-item')[1]!.click()
    await vi.waitFor(() => expect(shownMessages()).toEqual(['hi from Bold Lynx']))
    expect(problem()).toBeNull()
  })

  it('says so when a chat cannot be deleted; it stays open, and Delete works once storage does', async () => {
    const { history, byTestId, one, items, problem } = await view()
    await vi.waitFor(() => expect(items()).toHaveLength(3))
    byTestId('history-item')[0]!.click()
    await vi.waitFor(() => one('history-delete'))
    history.failing.add('remove')
    one('history-delete').click()
    await vi.waitFor(() => expect(problem()).toMatch(/Couldn’t delete this chat \(remove refused\)/))
    history.failing.delete('remove')
    one('history-delete').click()
    await vi.waitFor(() => expect(items()).toEqual(['Bold Lynx', 'Amber Fox']))
    expect(problem()).toBeNull()
  })

  it('says so when "Delete all" fails, and keeps showing the list', async () => {
    const { history, one, items, problem } = await view()
    await vi.waitFor(() => expect(items()).toHaveLength(3))
    history.failing.add('removeAll')
    one('history-clear').click()
    flushSync()
    one('history-clear').click()
    await vi.waitFor(() => expect(problem()).toMatch(/Couldn’t delete the saved chats \(removeAll refused\)/))
    expect(items()).toEqual(['Cyan Crane', 'Bold Lynx', 'Amber Fox'])
    expect(one('history-clear').textContent?.trim()).toBe('Delete all')
  })
})

describe('History view: focus', () => {
  const focused = () => {
    const active = document.activeElement as HTMLElement | null
    return active?.dataset.testid === 'history-item' ? `item ${active.querySelector('strong')?.textContent}` : active
  }
  const heading = () => document.querySelector('#history-title')

  it('moves to the opened chat’s heading, and back to the item it was opened from', async () => {
    const { byTestId, one, items } = await view()
    await vi.waitFor(() => expect(items()).toHaveLength(3))
    byTestId('history-item')[1]!.focus()
    byTestId('history-item')[1]!.click()
    await vi.waitFor(() => expect(focused()).toBe(heading()))
    expect(heading()?.textContent).toBe('Bold Lynx')
    one('history-close').click()
    await vi.waitFor(() => expect(focused()).toBe('item Bold Lynx'))
  })

  it('after Delete, moves to the chat that took its place, else the one before, else the heading', async () => {
    const { byTestId, one, items } = await view()
    await vi.waitFor(() => expect(items()).toHaveLength(3))
    const open = async (index: number) => {
      byTestId('history-item')[index]!.click()
      await vi.waitFor(() => one('history-delete'))
    }
    await open(1)
    one('history-delete').click()
    await vi.waitFor(() => expect(focused()).toBe('item Amber Fox'))
    await open(1)
    one('history-delete').click()
    await vi.waitFor(() => expect(focused()).toBe('item Cyan Crane'))
    await open(0)
    one('history-delete').click()
    await vi.waitFor(() => expect(items()).toEqual([]))
    expect(focused()).toBe(heading())
  })

  it('after "Delete all", moves to the heading', async () => {
    const { one, items } = await view()
    await vi.waitFor(() => expect(items()).toHaveLength(3))
    one('history-clear').focus()
    one('history-clear').click()
    flushSync()
    one('history-clear').click()
    await vi.waitFor(() => expect(items()).toEqual([]))
    expect(focused()).toBe(heading())
  })

  it('after the offer to delete saved chats (history turned off), moves back to the setting', async () => {
    const { target, one, items } = await view()
    await vi.waitFor(() => expect(items()).toHaveLength(3))
    const keep = target.querySelector<HTMLInputElement>('input[type="checkbox"]')!
    for (const choice of ['history-offer-keep', 'history-offer-delete']) {
      keep.click() // off: the offer appears
      flushSync()
      one(choice).focus()
      one(choice).click()
      await vi.waitFor(() => expect(document.activeElement).toBe(keep))
      keep.click() // on again
      flushSync()
    }
    await vi.waitFor(() => expect(items()).toEqual([]))
  })

  it('disarms "Really delete all?" after a few seconds', async () => {
    const { one, items } = await view()
    await vi.waitFor(() => expect(items()).toHaveLength(3))
    vi.useFakeTimers()
    try {
      one('history-clear').click()
      flushSync()
      expect(one('history-clear').textContent).toMatch(/Really delete all/)
      vi.advanceTimersByTime(4_999)
      flushSync()
      expect(one('history-clear').textContent).toMatch(/Really delete all/)
      vi.advanceTimersByTime(1)
      flushSync()
      expect(one('history-clear').textContent?.trim()).toBe('Delete all')
    } finally {
      vi.useRealTimers()
    }
  })

  it('disarms "Really delete all?" when focus leaves it, and opening a chat and coming back finds it disarmed', async () => {
    const { byTestId, one, items } = await view()
    await vi.waitFor(() => expect(items()).toHaveLength(3))
    one('history-clear').focus()
    one('history-clear').click()
    flushSync()
    byTestId('history-item')[0]!.focus()
    flushSync()
    expect(one('history-clear').textContent?.trim()).toBe('Delete all')

    one('history-clear').click() // armed without focus (Safari does not focus a clicked button)
    flushSync()
    byTestId('history-item')[0]!.click()
    await vi.waitFor(() => one('history-delete'))
    one('history-close').click()
    await vi.waitFor(() => expect(items()).toHaveLength(3))
    expect(one('history-clear').textContent?.trim()).toBe('Delete all')
    one('history-clear').click() // one click arms again, and deletes nothing
    flushSync()
    expect(items()).toHaveLength(3)
  })
})
