// Ends the sessions whose grace ran out, on every node: with Redis a session in its grace belongs to no
// node (its own may be gone), so any node may sweep it; the store's step is atomic, so two never do.
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import type { Ended, MatchStore } from '../store/store.ts'

/** How often graces are checked: a grace ends within this much after RESUME_GRACE_S. */
export const sweepIntervalMs = 500

export interface SweeperDeps {
  store: Pick<MatchStore, 'expireGraces'>
  now(): number
  metrics: Pick<Metrics, 'resumes'>
  logger: Logger
  /** Tells the partner of a chat that ended with an expired session. */
  announceEnd(ended: Ended): void
}

export function startGraceSweeper({ store, now, metrics, logger, announceEnd }: SweeperDeps): { stop(): void } {
  let stopped = false
  let timer: NodeJS.Timeout | null = null
  const sweep = async () => {
    try {
      const { expired, ended } = await store.expireGraces(now())
      if (expired > 0) metrics.resumes.inc({ outcome: 'expired' }, expired)
      ended.forEach(announceEnd)
    } catch (error) {
      // Redis away or rebuilding: the next sweep catches up (the deadlines are in the store).
      logger.debug({ err: error }, 'could not end the graces that ran out')
    }
    // One sweep at a time: the next is scheduled once this one is done.
    if (!stopped) timer = setTimeout(() => void sweep(), sweepIntervalMs)
  }
  timer = setTimeout(() => void sweep(), sweepIntervalMs)
  return {
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
    },
  }
}
