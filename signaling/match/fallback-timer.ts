// When a search with interests opens to anyone (I2): one timer per node, armed for the earliest
// deadline among this node's searchers, and none while nobody waits. The wait is one constant, so the
// order searches were scheduled in is their deadline order: a Map keeps it, with O(1) forget.
// A sweep opens every due search in the store (this node's and any other's), so a deadline is met
// by its own node's timer, and by whichever node sweeps first; the store pairs nobody twice.
import type { UserId } from '../store/store.ts'

export interface FallbackSchedule {
  /** The user's search opens to anyone at `atMs` unless it is paired, cancelled or gone first. */
  schedule(user: UserId, atMs: number): void
  forget(user: UserId): void
}

export interface FallbackTimer extends FallbackSchedule {
  /** How many of this node's searchers wait for their fallback. */
  readonly waiting: number
  stop(): void
}

/** After a sweep failed (the store unreachable), the next try. */
export const fallbackRetryMs = 1000

export function startFallbackTimer(
  sweep: (nowMs: number) => Promise<void>,
  now: () => number,
  onError: (error: unknown) => void,
): FallbackTimer {
  const deadlines = new Map<UserId, number>()
  let timer: NodeJS.Timeout | null = null
  let armedForMs = Infinity
  let retryAtMs = Infinity
  let sweeping = false
  let stopped = false

  function arm(): void {
    if (stopped || sweeping) return
    const next = Math.min(deadlines.values().next().value ?? Infinity, retryAtMs)
    if (timer && armedForMs <= next) return
    if (timer) clearTimeout(timer)
    timer = null
    armedForMs = next
    if (next !== Infinity) timer = setTimeout(() => void fire(), Math.max(0, next - now()))
  }

  async function fire(): Promise<void> {
    timer = null
    armedForMs = Infinity
    retryAtMs = Infinity
    const nowMs = now()
    for (const [user, atMs] of deadlines) {
      if (atMs > nowMs) break
      deadlines.delete(user)
    }
    sweeping = true
    try {
      await sweep(nowMs)
    } catch (error) {
      retryAtMs = now() + fallbackRetryMs
      onError(error)
    } finally {
      sweeping = false
    }
    arm()
  }

  return {
    get waiting() {
      return deadlines.size
    },
    schedule(user, atMs) {
      deadlines.delete(user)
      deadlines.set(user, atMs)
      arm()
    },
    forget(user) {
      // The timer stays armed: firing for nobody costs one sweep that finds nothing due.
      deadlines.delete(user)
    },
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = null
      deadlines.clear()
    },
  }
}
