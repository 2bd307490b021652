// Reaping: removing the users of a node whose lease ran out (kill -9, partition) so they leave the
// queue and the counts, and telling their partners. A lease that merely looks expired is not enough:
// a forward step of Redis's clock (NTP, VM migration) makes every lease look expired at once, so a
// node is reaped only once it has also missed the heartbeats that follow, as timed by this process.
import type { Logger } from '../logger.ts'
import type { ExpiredNode, RedisMatchStore } from '../store/redis-store.ts'
import type { Ended } from '../store/store.ts'

const reapBatch = 500
/** Batches reaped per round at most, so one tick stays short. */
const maxBatchesPerRound = 40
/** Expired nodes looked at per round (a cluster has tens of nodes). */
const maxNodesPerRound = 64

type OnEnded = (ended: readonly Ended[]) => void

export interface Reaper {
  /** One round: notes nodes seen expired, reaps those whose expiry is confirmed. */
  run(): Promise<void>
  /** Forgets what was seen (this node's own view of Redis was interrupted). */
  forget(): void
}

/**
 * `confirmMs`: how long a node must stay expired at the same deadline (not one heartbeat of its own
 * meanwhile) before it is reaped; `monotonicMs`: this process's clock, which no step of Redis's moves.
 */
export function createReaper(
  store: RedisMatchStore,
  onEnded: OnEnded,
  logger: Logger,
  confirmMs: number,
  monotonicMs: () => number,
): Reaper {
  const suspects = new Map<string, { deadline: string; sinceMs: number }>()

  // Returns the batches left for this round.
  async function reap({ node, deadline }: ExpiredNode, batches: number): Promise<number> {
    let told = 0
    for (; batches > 0; batches--) {
      const { status, ended } = await store.reapNode(node, reapBatch, deadline)
      if (ended.length > 0) onEnded(ended)
      told += ended.length
      if (status === 'more') continue
      suspects.delete(node)
      if (status === 'alive') logger.warn({ node }, 'a node seen expired heartbeated again; not reaped')
      else logger.info({ node, partnersTold: told }, 'reaped the users of a dead node')
      return batches - 1
    }
    return 0
  }

  return {
    async run() {
      const nowMs = monotonicMs()
      const expired = (await store.expiredNodes(maxNodesPerRound)).filter(({ node }) => node !== store.nodeId)
      // A node that heartbeated since it was seen has a new deadline (or is no longer expired): cleared.
      const seen = new Map(expired.map(({ node, deadline }) => [node, deadline]))
      for (const [node, { deadline }] of suspects) if (seen.get(node) !== deadline) suspects.delete(node)
      let batches = maxBatchesPerRound
      for (const candidate of expired) {
        const suspect = suspects.get(candidate.node)
        if (!suspect) suspects.set(candidate.node, { deadline: candidate.deadline, sinceMs: nowMs })
        // 0 or below: retired, or a reaper has decided already (and may have died mid-way).
        const confirmed =
          Number(candidate.deadline) <= 0 || (suspect !== undefined && nowMs - suspect.sinceMs >= confirmMs)
        if (!confirmed) continue
        batches = await reap(candidate, batches)
        if (batches === 0) return
      }
    },
    forget() {
      suspects.clear()
    },
  }
}

/** Removes every user this node still has in Redis (retiring, or recovering), telling their partners. */
export async function removeOwnUsers(store: RedisMatchStore, onEnded: OnEnded): Promise<void> {
  for (;;) {
    const { status, ended } = await store.reapNode(store.nodeId, reapBatch)
    if (ended.length > 0) onEnded(ended)
    if (status !== 'more') return
  }
}
