// History search and import over a Library on a store in memory (laid out as IndexedDB holds it), and
// the History view's search box and results as Svelte renders them (happy-dom).
import { flushSync, mount, unmount } from 'svelte'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defaultLimits } from '#protocol'
import History from '../../app/src/components/History.svelte'
import type { SignalingSocket } from '../../app/src/lib/matchmaking/signaling.ts'
import { Safety } from '../../app/src/lib/safety/safety.ts'
import { exportJson } from '../../app/src/lib/history/export.ts'
import { importChats } from '../../app/src/lib/history/import.ts'
import { Library } from '../../app/src/lib/history/library.svelte.ts'
import type { ChatRecord } from '../../app/src/lib/history/record.ts'
import { HistorySearch, searchDebounceMs } from '../../app/src/lib/history/search.svelte.ts'
import { memoryHistory } from '../support/memory-history.ts'

const chat = (chatId: string, startedAt: number, texts: string[]): ChatRecord => ({
  chatId,
  myName: 'Calm Otter',
  partnerName: `Partner ${chatId}`,
  startedAt,
  endedAt: startedAt + 60_000,
  messages: texts.map((text, i) => ({
    id: `${chatId}-${i}-abcdef`,
    from: 'them',
    text,
    at: startedAt + i,
    status: 'received',
  })),
})

async function saved(...records: ChatRecord[]) {
  const history = memoryHistory()
  const library = new Library(async () => history.store)
  for (const record of records) library.save(record, 0)
  await library.flush()
  await library.refresh()
  return { history, library }
}

const file = (value: unknown) => new Blob([typeof value === 'string' ? value : JSON.stringify(value)])

let cleanup: () => void = () => {}
afterEach(() => {
  cleanup()
  vi.useRealTimers()
  localStorage.clear() // "Keep history" turned off by a test stays off in this document
})

describe('HistorySearch', () => {
  it('searches once typing pauses, over every saved chat', async () => {
    const { library } = await saved(chat('a', 1, ['Un café ?', 'non']), chat('b', 2, ['CAFE time']))
    vi.useFakeTimers()
    const search = new HistorySearch(library)
    const read = vi.spyOn(library, 'records')
    search.input('c')
    search.input('ca')
    search.input('cafe')
    expect(search.results).toBeNull()
    await vi.advanceTimersByTimeAsync(searchDebounceMs)
    await vi.waitFor(() => expect(search.results?.total).toBe(2))
    expect(read).toHaveBeenCalledTimes(1) // one search, one read of the store
    expect(search.results?.hits.map((hit) => hit.message.text)).toEqual(['CAFE time', 'Un café ?'])
    search.input('  ')
    expect(search.results).toBeNull()
    search.dispose()
  })

  it('keeps in step with imports and deletes, reading only the chats that changed', async () => {
    const { library } = await saved(chat('a', 1, ['apple pie']))
    const search = new HistorySearch(library)
    search.query = 'apple'
    await search.now()
    expect(search.results?.total).toBe(1)
    await library.import([chat('b', 2, ['apple juice'])])
    const open = vi.spyOn(library, 'open')
    await search.now()
    expect(search.results?.hits.map((hit) => hit.chatId)).toEqual(['b', 'a'])
    expect(open.mock.calls).toEqual([['b']])
    await library.remove('a')
    await search.now()
    expect(search.results?.hits.map((hit) => hit.chatId)).toEqual(['b'])
    await library.removeAll()
    await search.now()
    expect(search.results?.total).toBe(0)
    search.dispose()
  })

  it('says what failed when the saved chats cannot be read, and works once they can', async () => {
    const { history, library } = await saved(chat('a', 1, ['apple']))
    const search = new HistorySearch(library)
    search.query = 'apple'
    history.failing.add('records')
    await search.now()
    expect(search.problem).toBe('records refused')
    history.failing.delete('records')
    await search.now()
    expect(search.problem).toBeNull()
    expect(search.results?.total).toBe(1)
    search.dispose()
  })
})

describe('importChats', () => {
  it('adds the chats of an export, which the list shows at once, and leaves a chat already there as it is', async () => {
    const { library } = await saved(chat('a', 1, ['kept as it was']))
    const outcome = await importChats(file([chat('a', 1, ['other']), chat('b', 2, ['new'])]), library)
    expect(outcome).toEqual({ kind: 'done', imported: 1, present: 1 })
    expect(library.chats.map((c) => c.chatId)).toEqual(['b', 'a'])
    expect((await library.open('a'))?.messages.map((m) => m.text)).toEqual(['kept as it was'])
    expect(await library.open('b')).toEqual(chat('b', 2, ['new']))
  })

  it('changes nothing for a bad file, a storage refusal or history turned off', async () => {
    const { history, library } = await saved(chat('a', 1, ['one']))
    const writes = history.writes
    expect(await importChats(file('not json'), library)).toMatchObject({
      kind: 'refused',
      problem: { kind: 'not-json' },
    })
    expect(await importChats(file({ hello: 'world' }), library)).toMatchObject({ kind: 'refused' })
    expect(history.writes).toBe(writes)
    history.failing.add('add')
    expect(await importChats(file(await exportJson(chat('b', 2, ['x']))), library)).toMatchObject({ kind: 'failed' })
    history.failing.delete('add')
    library.setKeep(false)
    expect(await importChats(file(await exportJson(chat('b', 2, ['x']))), library)).toEqual({ kind: 'history-off' })
    await library.refresh()
    expect(library.chats.map((c) => c.chatId)).toEqual(['a'])
  })
})

describe('History view: search', () => {
  it('lists results with the match marked as text, announces their count, and opens one at its message', async () => {
    const { library } = await saved(
      chat('a', 1, ['<img src=x onerror=alert(1)> Café', ...Array.from({ length: 300 }, (_, i) => `filler ${i}`)]),
      chat('b', 2, ['no match here']),
    )
    const target = document.body.appendChild(document.createElement('div'))
    const safety = new Safety({ connected: false } as SignalingSocket, () => defaultLimits)
    const component = mount(History, { target, props: { library, safety, onclose: () => {} } })
    flushSync()
    cleanup = () => (unmount(component), target.remove())
    const all = (id: string) => [...target.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)]
    const input = all('history-search')[0] as HTMLInputElement
    input.value = 'cafe'
    input.dispatchEvent(new Event('input', { bubbles: true }))
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))
    await vi.waitFor(() => expect(all('history-result')).toHaveLength(1))
    const result = all('history-result')[0]!
    expect(result.querySelector('img')).toBeNull()
    expect(result.querySelector('mark')?.textContent).toBe('Café')
    expect(result.textContent).toContain('Partner a')
    expect(all('history-search-status')[0]!.getAttribute('role')).toBe('status')
    expect(all('history-search-status')[0]!.textContent).toBe('1 message found.')
    result.click()
    await vi.waitFor(() => expect(all('message').find((m) => m.dataset.highlighted === 'true')).toBeDefined())
    const found = all('message').find((m) => m.dataset.highlighted === 'true')!
    expect(found.querySelector('.text')?.textContent?.trim()).toBe('<img src=x onerror=alert(1)> Café')
    expect(document.activeElement).toBe(found)
    all('history-close')[0]!.click()
    await vi.waitFor(() => expect(document.activeElement).toBe(all('history-result')[0]))
  })
})
