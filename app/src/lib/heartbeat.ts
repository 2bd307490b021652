// Liveness over the data channel itself, so it works even when signaling is down.

export const pingEveryMs = 2_000
/** DESIGN.md §3: the partner is lost after this much silence. */
export const silenceLimitMs = 6_000

export interface Heartbeat {
  /** Any authenticated frame from the partner counts as a sign of life. */
  heard(): void
  stop(): void
}

export function startHeartbeat(ping: () => void, onLost: () => void, now: () => number = Date.now): Heartbeat {
  let lastHeard = now()
  let lastPing = now()
  // Checked often, so "lost" fires within ~0.5 s of the limit, never before it.
  const timer = setInterval(() => {
    const t = now()
    if (t - lastHeard >= silenceLimitMs) {
      clearInterval(timer)
      return onLost()
    }
    if (t - lastPing >= pingEveryMs) {
      lastPing = t
      ping()
    }
  }, 500)
  return {
    heard: () => (lastHeard = now()),
    stop: () => clearInterval(timer),
  }
}
