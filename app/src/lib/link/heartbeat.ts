// Liveness over the data channel itself, so it works even when signaling is down.

export const pingEveryMs = 2_000
/** The partner is lost after this much silence (docs/app.md, "End-to-end layer"). */
export const silenceLimitMs = 6_000

export interface Heartbeat {
  /** Any authenticated frame from the partner counts as a sign of life. */
  heard(): void
  stop(): void
}

export function startHeartbeat(ping: () => void, onLost: () => void, now: () => number = Date.now): Heartbeat {
  let lastHeard = now()
  // Due exactly when the silence limit is reached: re-armed for the rest when a frame came meanwhile,
  // so "lost" fires at 6 s of silence, not later, and hearing a frame costs only a clock read.
  const check = () => {
    const quietFor = now() - lastHeard
    if (quietFor >= silenceLimitMs) {
      clearInterval(pinger)
      return onLost()
    }
    deadline = setTimeout(check, silenceLimitMs - quietFor)
  }
  let deadline = setTimeout(check, silenceLimitMs)
  const pinger = setInterval(ping, pingEveryMs)
  return {
    heard: () => (lastHeard = now()),
    stop() {
      clearTimeout(deadline)
      clearInterval(pinger)
    },
  }
}
