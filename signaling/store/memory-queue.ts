// The in-memory matcher (docs/protocol.md, "Matching by interests and language"). Per language bucket
// (the code, or '*' for none) an open FIFO of searchers anyone may take, and per (bucket, interest) a
// FIFO of those who gave it; a Map iterates in insertion order and deletes in O(1), so each FIFO is a
// Map. A searcher reads only the heads of the FIFOs it may use: O(b·k) for k interests and b buckets
// (2 with a language; the active ones without). Non-strict searchers with interests also sit in one
// fallback schedule: the wait is one constant, so insertion order is deadline order.
import type { PopularInterest } from '#protocol'
import type { Search, UserId } from './store.ts'
import { createTagCounts } from './tag-counts.ts'

/** How many heads of one FIFO a search may pass over to honour the rules between two people (compatible). */
export const maxRematchSkips = 8

/** The bucket of searchers who gave no language. */
export const anyLanguage = '*'

/** A user as the matcher reads them. */
export interface Waiter {
  readonly id: UserId
  /** The stranger of the user's last chat, not to be matched again at once. */
  lastPartner: UserId | null
  blockKey: string
  search: Search
}

/** Whether two block keys are blocked now (store/blocks.ts). */
export type Blocked = (a: string, b: string) => boolean

/** Whether two searchers may be paired: every rule between two people is here, for every candidate. */
export function compatible(a: Waiter, b: Waiter, blocked: Blocked): boolean {
  if (a.id === b.id) return false
  // No immediate rematch, strictly (docs/protocol.md): with few searchers "unless another waits" never applies.
  if (a.lastPartner === b.id || b.lastPartner === a.id) return false
  if (blocked(a.blockKey, b.blockKey)) return false
  // I4: two who both gave a language must have given the same one.
  return a.search.lang === '' || b.search.lang === '' || a.search.lang === b.search.lang
}

/** The interests both gave, in `a`'s order. */
export function commonInterests(a: Search, b: Search): string[] {
  if (a.interests.length === 0 || b.interests.length === 0) return []
  const theirs = new Set(b.interests)
  return a.interests.filter((tag) => theirs.has(tag))
}

interface Entry {
  waiter: Waiter
  bucket: string
  /** Order of arrival in the queue (the interest FIFOs). */
  seq: number
  /** Order of arrival in the open FIFO (null while not in it). */
  openSeq: number | null
  deadlineMs: number | null
}

interface Bucket {
  open: Map<UserId, Entry>
  tags: Map<string, Map<UserId, Entry>>
  size: number
}

export interface MemoryQueue {
  readonly size: number
  /** Takes out of the queue the longest-waiting compatible waiter a newcomer may have; null when none. */
  take(newcomer: Waiter): Waiter | null
  /** Queues the user; returns when the search opens to anyone if it waits for an interest first, else null. */
  add(waiter: Waiter, nowMs: number): number | null
  remove(user: UserId): boolean
  /** Opens every search due by `nowMs`: each is paired [open waiter, searcher] or joins the open FIFO. */
  fallBack(nowMs: number): [Waiter, Waiter][]
  popular(): PopularInterest[]
  clear(): void
}

export function createMemoryQueue(interestWaitMs: number, blocked: Blocked = () => false): MemoryQueue {
  const buckets = new Map<string, Bucket>()
  const entries = new Map<UserId, Entry>()
  const schedule = new Map<UserId, Entry>()
  const tagCounts = createTagCounts()
  let seq = 0

  const bucketOf = (search: Search) => (search.lang === '' ? anyLanguage : search.lang)

  // With a language: its own bucket and the one of those who gave none; without: every bucket.
  function bucketsFor(search: Search): Iterable<Bucket> {
    if (search.lang === '') return buckets.values()
    return [buckets.get(search.lang), buckets.get(anyLanguage)].filter((b): b is Bucket => b !== undefined)
  }

  function best(fifos: Iterable<Map<UserId, Entry> | undefined>, me: Waiter, order: 'seq' | 'openSeq') {
    let found: Entry | null = null
    for (const fifo of fifos) {
      if (!fifo) continue
      let looked = 0
      for (const entry of fifo.values()) {
        if (found && (entry[order] ?? Infinity) >= (found[order] ?? Infinity)) break
        if (compatible(me, entry.waiter, blocked)) {
          found = entry
          break
        }
        if (++looked >= maxRematchSkips) break
      }
    }
    return found
  }

  function* tagFifos(me: Waiter): Generator<Map<UserId, Entry> | undefined> {
    for (const bucket of bucketsFor(me.search)) for (const tag of me.search.interests) yield bucket.tags.get(tag)
  }

  function* openFifos(me: Waiter): Generator<Map<UserId, Entry>> {
    for (const bucket of bucketsFor(me.search)) yield bucket.open
  }

  function removeEntry(entry: Entry): void {
    const { waiter } = entry
    const bucket = buckets.get(entry.bucket)
    entries.delete(waiter.id)
    schedule.delete(waiter.id)
    if (!bucket) return
    bucket.open.delete(waiter.id)
    for (const tag of waiter.search.interests) {
      const fifo = bucket.tags.get(tag)
      fifo?.delete(waiter.id)
      if (fifo?.size === 0) bucket.tags.delete(tag)
      tagCounts.change(tag, -1)
    }
    if (--bucket.size === 0) buckets.delete(entry.bucket)
  }

  function openUp(entry: Entry): void {
    entry.openSeq = ++seq
    buckets.get(entry.bucket)?.open.set(entry.waiter.id, entry)
  }

  return {
    get size() {
      return entries.size
    },

    take(newcomer) {
      const { interests } = newcomer.search
      // I1/I2: with interests, only someone who shares one (until the fallback); without, the open FIFO.
      const entry =
        interests.length > 0
          ? best(tagFifos(newcomer), newcomer, 'seq')
          : best(openFifos(newcomer), newcomer, 'openSeq')
      if (!entry) return null
      removeEntry(entry)
      return entry.waiter
    },

    add(waiter, nowMs) {
      const { search } = waiter
      const key = bucketOf(search)
      let bucket = buckets.get(key)
      if (!bucket) buckets.set(key, (bucket = { open: new Map(), tags: new Map(), size: 0 }))
      bucket.size++
      const entry: Entry = { waiter, bucket: key, seq: ++seq, openSeq: null, deadlineMs: null }
      entries.set(waiter.id, entry)
      if (search.interests.length === 0) {
        openUp(entry)
        return null
      }
      for (const tag of search.interests) {
        const fifo = bucket.tags.get(tag)
        if (fifo) fifo.set(waiter.id, entry)
        else bucket.tags.set(tag, new Map([[waiter.id, entry]]))
        tagCounts.change(tag, 1)
      }
      if (search.strict) return null
      entry.deadlineMs = nowMs + interestWaitMs
      schedule.set(waiter.id, entry)
      return entry.deadlineMs
    },

    remove(user) {
      const entry = entries.get(user)
      if (!entry) return false
      removeEntry(entry)
      return true
    },

    fallBack(nowMs) {
      const pairs: [Waiter, Waiter][] = []
      for (const [user, entry] of schedule) {
        if ((entry.deadlineMs ?? 0) > nowMs) break
        schedule.delete(user)
        const partner = best(openFifos(entry.waiter), entry.waiter, 'openSeq')
        if (!partner) {
          openUp(entry)
          continue
        }
        removeEntry(partner)
        removeEntry(entry)
        pairs.push([partner.waiter, entry.waiter])
      }
      return pairs
    },

    popular: () => tagCounts.popular(),

    clear() {
      buckets.clear()
      entries.clear()
      schedule.clear()
      tagCounts.clear()
    },
  }
}
