// Long sessions get fresh TURN credentials before theirs expire: one sweep for all sockets, not a
// timer per socket (a Timeout per connection would cost memory at 20k connections).
import type { IceServer } from '#protocol'

export interface IceHolder {
  /** When this holder's TURN credentials expire, in ms since the epoch. */
  iceExpiresAtMs: number
}

/** Refresh once a credential has less than a quarter of its lifetime left. */
export const refreshShare = 0.25

export function startIceRefresh<T extends { data: IceHolder }>(
  ttlS: number,
  holders: () => Iterable<T>,
  issue: (holder: T, nowMs: number) => IceServer[],
  send: (holder: T, iceServers: IceServer[]) => void,
  now: () => number,
): { stop(): void } {
  const ttlMs = ttlS * 1000
  const sweepMs = Math.max(1000, Math.min(60_000, Math.floor((ttlMs * refreshShare) / 2)))
  const timer = setInterval(() => {
    const nowMs = now()
    for (const holder of holders()) {
      if (holder.data.iceExpiresAtMs - nowMs > ttlMs * refreshShare) continue
      holder.data.iceExpiresAtMs = nowMs + ttlMs
      send(holder, issue(holder, nowMs))
    }
  }, sweepMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
