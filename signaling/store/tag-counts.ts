// How many searchers wait with each interest, and the most popular ones for presence: counts kept as
// searchers come and go (O(1) each) with count → tags buckets, so the top list is read from the
// distinct counts (at most √(2·entries) of them), never by walking the searchers.
import type { PopularInterest } from '#protocol'
import { popularInterestMinSearching, popularInterestsShown } from '#protocol/interests.ts'

export interface TagCounts {
  change(tag: string, by: 1 | -1): void
  /** The most searched interests (ties in reverse order of the tag, as Redis gives them); cached until a count changes. */
  popular(): PopularInterest[]
  clear(): void
}

export function createTagCounts(): TagCounts {
  const counts = new Map<string, number>()
  const byCount = new Map<number, Set<string>>()
  let cached: PopularInterest[] | null = []

  function move(tag: string, from: number, to: number): void {
    const old = byCount.get(from)
    old?.delete(tag)
    if (old?.size === 0) byCount.delete(from)
    if (to <= 0) return void counts.delete(tag)
    counts.set(tag, to)
    const bucket = byCount.get(to)
    if (bucket) bucket.add(tag)
    else byCount.set(to, new Set([tag]))
  }

  return {
    change(tag, by) {
      const from = counts.get(tag) ?? 0
      move(tag, from, from + by)
      // Only a count at or above the threshold (before or after) can change what is shown.
      if (Math.max(from, from + by) >= popularInterestMinSearching) cached = null
    },
    popular() {
      if (cached) return cached
      const shown: PopularInterest[] = []
      const levels = [...byCount.keys()].filter((count) => count >= popularInterestMinSearching).sort((a, b) => b - a)
      for (const searching of levels) {
        const tags = [...(byCount.get(searching) ?? [])].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))
        for (const tag of tags) {
          if (shown.length >= popularInterestsShown) break
          shown.push({ tag, searching })
        }
        if (shown.length >= popularInterestsShown) break
      }
      cached = shown
      return shown
    },
    clear() {
      counts.clear()
      byCount.clear()
      cached = []
    },
  }
}
