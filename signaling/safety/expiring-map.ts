// A Map whose entries expire, for the in-memory safety state (bans, blocks, chat records, used proofs).
// Bounded: past `maxSize` the oldest entry goes first; expired entries are swept in amortised O(1).

export interface ExpiringMap<V> {
  get(key: string, nowMs: number): V | undefined
  /** Sets (or replaces, as the newest) an entry that lives until `expiresAtMs`. */
  set(key: string, value: V, expiresAtMs: number, nowMs: number): void
  delete(key: string): boolean
  /** Live entries, oldest first. */
  entries(nowMs: number): Array<[string, V, number]>
  size(nowMs: number): number
  clear(): void
}

export function createExpiringMap<V>(maxSize = Number.POSITIVE_INFINITY): ExpiringMap<V> {
  const map = new Map<string, { value: V; expiresAtMs: number }>()
  let setsSinceSweep = 0

  function sweep(nowMs: number): void {
    setsSinceSweep = 0
    for (const [key, entry] of map) if (entry.expiresAtMs <= nowMs) map.delete(key)
  }

  return {
    get(key, nowMs) {
      const entry = map.get(key)
      if (!entry) return undefined
      if (entry.expiresAtMs > nowMs) return entry.value
      map.delete(key)
      return undefined
    },
    set(key, value, expiresAtMs, nowMs) {
      map.delete(key)
      map.set(key, { value, expiresAtMs })
      // A full sweep once per map's worth of writes: each write pays O(1) on average.
      if (++setsSinceSweep >= Math.max(64, map.size)) sweep(nowMs)
      for (const oldest of map.keys()) {
        if (map.size <= maxSize) break
        map.delete(oldest)
      }
    },
    delete: (key) => map.delete(key),
    entries(nowMs) {
      sweep(nowMs)
      return [...map].map(([key, entry]) => [key, entry.value, entry.expiresAtMs])
    },
    size(nowMs) {
      sweep(nowMs)
      return map.size
    },
    clear: () => map.clear(),
  }
}
