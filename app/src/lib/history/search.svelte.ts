// History search as the History view runs it: typing debounced, the index of every saved message built
// on the first query (or when the box is focused), kept in step with writes, imports and deletes.
import { errorDetail } from '../wording.ts'
import type { Library } from './library.svelte.ts'
import { SearchIndex, type SearchResults } from './search-index.ts'

/** Long enough that a word typed at speed is one search, short enough to feel immediate. */
export const searchDebounceMs = 150
/** Results listed at a time: a common word matches thousands of messages, and a list that long helps nobody. */
export const resultsPage = 50

/** The measure a benchmark reads (performance.getEntriesByName): a query from its start to its results. */
export const searchMeasure = 'hush:history-search'

export class HistorySearch {
  /** The text in the box. */
  query = $state('')
  /** The last finished search; null while the box is empty. */
  results = $state.raw<SearchResults | null>(null)
  /** True while the saved chats are read for a first search. */
  indexing = $state(false)
  /** The storage error of the last search, shown until one works. */
  problem = $state<string | null>(null)

  #library: Library
  #index: SearchIndex | null = null
  #building: Promise<SearchIndex> | null = null
  /** Chats written, imported or deleted since they were indexed: read again before the next search. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping only, never rendered
  #stale = new Set<string>()
  #limit = resultsPage
  #timer: ReturnType<typeof setTimeout> | undefined
  /** Counts searches: a slower earlier one never overwrites a later one's results. */
  #runs = 0
  #unsubscribe: () => void

  constructor(library: Library) {
    this.#library = library
    this.#unsubscribe = library.onChanged((chatIds) => {
      if (chatIds === 'all') {
        this.#index = null
        this.#building = null
        this.#stale.clear()
      } else for (const chatId of chatIds) this.#stale.add(chatId)
      // Listed results stay as they are (a list changing under the reader loses their place): the next search sees it.
    })
  }

  get active(): boolean {
    return this.query.trim() !== ''
  }

  /** Typing: searched once the typing pauses. */
  input(text: string): void {
    this.query = text
    this.#limit = resultsPage
    if (!this.active) {
      clearTimeout(this.#timer)
      this.#runs += 1 // a search on its way is moot
      this.results = null
      this.problem = null
      return
    }
    this.#schedule(searchDebounceMs)
  }

  /** Enter in the box, or the saved chats changed from History (import, delete): search now. */
  now(): Promise<void> {
    clearTimeout(this.#timer)
    return this.#run()
  }

  more(): Promise<void> {
    this.#limit += resultsPage
    return this.now()
  }

  /** Starts reading the saved chats before the first query needs them (the box got focus). */
  prepare(): void {
    void this.#ready().catch(() => {}) // a failure is shown by the search that needs the index
  }

  dispose(): void {
    clearTimeout(this.#timer)
    this.#unsubscribe()
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => void this.#run(), delayMs)
  }

  async #run(): Promise<void> {
    if (!this.active) return
    const run = ++this.#runs
    const started = performance.now()
    const firstBuild = this.#index === null
    try {
      const index = await this.#ready()
      if (run !== this.#runs) return
      this.results = index.find(this.query, this.#limit)
      this.problem = null
      measure(started, { query: this.query, total: this.results.total, firstBuild })
    } catch (error) {
      if (run === this.#runs) this.problem = errorDetail(error)
    }
  }

  /** The index with every saved chat in it as stored now. */
  async #ready(): Promise<SearchIndex> {
    if (!this.#index) {
      this.#building ??= this.#build()
      const building = this.#building
      try {
        const index = await building
        if (this.#building === building) this.#index = index
      } finally {
        if (this.#building === building) this.#building = null
      }
    }
    const index = this.#index ?? (await this.#ready())
    for (const chatId of [...this.#stale]) {
      this.#stale.delete(chatId)
      const record = await this.#library.open(chatId).catch((error: unknown) => {
        this.#stale.add(chatId) // read again next time
        throw error
      })
      if (record) index.put(record)
      else index.delete(chatId)
    }
    return index
  }

  async #build(): Promise<SearchIndex> {
    this.indexing = true
    try {
      // Changes from here on are read again after the build: the read below may or may not hold them.
      this.#stale.clear()
      const index = new SearchIndex()
      for (const record of await this.#library.records()) index.put(record)
      return index
    } finally {
      this.indexing = false
    }
  }
}

/** A user-timing entry per search (visible in the browser's performance tools, read by the benchmark). */
function measure(start: number, detail: Record<string, unknown>): void {
  try {
    performance.clearMeasures(searchMeasure) // only the last: typing must not grow the timeline without end
    performance.measure(searchMeasure, { start, end: performance.now(), detail })
  } catch {
    // A runtime without user timing (unit tests): nothing to record.
  }
}
