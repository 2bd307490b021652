// Liveness over whichever path the chat uses, so it works even when signaling is down.

export const pingEveryMs = 2_000
/** The partner is lost after this much silence (docs/app.md, "End-to-end layer"). */
export const silenceLimitMs = 6_000
/**
 * Over the server's relay the server itself knows when the partner is gone (it says so, at once or
 * when their resume grace of 30 s runs out): silence there is a signaling drop being resumed.
 */
export const serverPathSilenceMs = 35_000
/** The deadline is checked at least this often, so a shorter limit (a path change) takes effect soon. */
const recheckMs = 1_000

export interface Heartbeat {
  /** Any authenticated frame from the partner counts as a sign of life. */
  heard(): void
  stop(): void
}

/** `limitMs`: the silence that means lost, read at every check (it depends on the path). */
export function startHeartbeat(
  ping: () => void,
  onLost: () => void,
  now: () => number = Date.now,
  limitMs: () => number = () => silenceLimitMs,
): Heartbeat {
  let lastHeard = now()
  // Due exactly when the silence limit is reached: re-armed for the rest when a frame came meanwhile,
  // so "lost" fires at 6 s of silence, not later, and hearing a frame costs only a clock read.
  const check = () => {
    const quietFor = now() - lastHeard
    if (quietFor >= limitMs()) {
      clearInterval(pinger)
      return onLost()
    }
    deadline = setTimeout(check, Math.min(recheckMs, limitMs() - quietFor))
  }
  let deadline = setTimeout(check, Math.min(recheckMs, limitMs()))
  const pinger = setInterval(ping, pingEveryMs)
  return {
    heard: () => (lastHeard = now()),
    stop() {
      clearTimeout(deadline)
      clearInterval(pinger)
    },
  }
}
