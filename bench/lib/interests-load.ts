// What the bench's clients search for: nothing (random only), 0–3 interests drawn from 500 tags with
// a Zipf distribution (a few tags very common, most rare, as interests are), or interests of their
// own with strict on (nobody pairs: everyone waits, for the memory reading).

export type SearchMix = 'random' | 'zipf' | 'waiting'

export const zipfTags = 500
export const zipfExponent = 1

/** A seeded generator, so that two runs draw the same searches. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
}

/** Draws tag ranks 1…n with P(k) ∝ 1/k^s, by inverting the cumulative weights. */
export function zipf(n: number, s: number, next: () => number): () => number {
  const cumulative: number[] = []
  let total = 0
  for (let k = 1; k <= n; k++) cumulative.push((total += 1 / k ** s))
  return () => {
    const target = next() * total
    let low = 0
    let high = n - 1
    while (low < high) {
      const mid = (low + high) >> 1
      if ((cumulative[mid] ?? 0) < target) low = mid + 1
      else high = mid
    }
    return low + 1
  }
}

/** One `match:find` payload per client. */
export function searchesFor(mix: SearchMix, count: number, seed: number): Record<string, unknown>[] {
  if (mix === 'random') return Array.from({ length: count }, () => ({}))
  if (mix === 'waiting') {
    return Array.from({ length: count }, (_, i) => ({
      interests: [`own ${seed} ${i} a`, `own ${seed} ${i} b`, `own ${seed} ${i} c`],
      strict: true,
    }))
  }
  const next = seeded(seed)
  const rank = zipf(zipfTags, zipfExponent, next)
  return Array.from({ length: count }, () => {
    const interests = [...new Set(Array.from({ length: Math.floor(next() * 4) }, () => `tag ${rank()}`))]
    return interests.length > 0 ? { interests } : {}
  })
}
