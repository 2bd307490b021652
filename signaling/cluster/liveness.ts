// A node's lease in Redis and the cluster's housekeeping, on one timer:
// - heartbeat: extends this node's lease (Redis clock, so node clocks don't matter);
// - reaper: any healthy node removes the users of nodes whose lease ran out (kill -9, partition),
//   so they leave the counts and the queue and their partners are told (reaper.ts);
// - recovery: when Redis comes back empty (restart), the node re-registers and rebuilds its live
//   users (queue and presence) from its sockets; when Redis kept its data but this node was
//   declared dead meanwhile, it drops its clients (they reconnect) rather than serve ghosts, removes
//   whatever users a reaper left behind (one may die mid-way) and registers again;
// - retirement (graceful shutdown): the heartbeat stops, then the node removes its own users.
import type { Logger } from '../logger.ts'
import type { LocalUser, RedisMatchStore } from '../store/redis-store.ts'
import type { Ended } from '../store/store.ts'
import { createReaper, removeOwnUsers } from './reaper.ts'

export const heartbeatIntervalMs = 1000
/** A node silent this long is dead: detection takes lease + one tick + confirmation, ~8 s (well within 15 s). */
export const leaseMs = 5000
/** A node whose lease ran out is reaped once it has stayed silent this much longer (two heartbeats). */
export const confirmExpiryMs = 2 * heartbeatIntervalMs
const monotonicMs = () => performance.now()

/** 'ok' while this node can serve; otherwise why not (/healthz answers 503 with it). */
export type ClusterState = 'ok' | 'fenced' | 'rebuilding' | 'redis-unreachable'

export interface LivenessHooks {
  localUsers(): LocalUser[]
  /** After a rebuild: the users who were searching must search again, oldest first. */
  resumeSearches(): Promise<void>
  /** Chats ended by reaping a dead node: their partners must be told. */
  onEnded(ended: readonly Ended[]): void
  /** This node was declared dead while Redis kept running: its sessions are void. */
  onFenced(): void
}

export interface LivenessDeps {
  store: RedisMatchStore
  /** Redis's run_id: a new one means Redis restarted and lost its data. */
  redisRunId(): Promise<string>
  hooks: LivenessHooks
  logger: Logger
}

export interface Liveness {
  /** Registers the node (first lease). */
  start(): Promise<void>
  /** Graceful shutdown: stops the heartbeat, then removes this node's users and announces their chat ends. */
  retire(): Promise<void>
  state(): ClusterState
  /** The Redis connection dropped: not ready until a heartbeat has gone through again (and found what Redis kept). */
  connectionLost(): void
}

export function createLiveness({ store, redisRunId, hooks, logger }: LivenessDeps): Liveness {
  let runId = ''
  let timer: NodeJS.Timeout | null = null
  // The tick under way, if any: retirement waits for it (its heartbeat would renew the lease).
  let ticking: Promise<void> | null = null
  // The reaper only runs after a full lease of healthy heartbeats: after an outage every node
  // looks expired until it has beaten again, and none may be reaped for the outage itself.
  let healthySinceMs: number | null = null
  // Set while a rebuild is unfinished (Redis may fail again halfway): the next tick resumes it.
  let rebuilding = false
  // Set from being found declared dead until registered again.
  let fenced = false
  // Whether Redis answered the last heartbeat, and the connection has not dropped since.
  let reachable = true
  const reaper = createReaper(store, hooks.onEnded, logger, confirmExpiryMs, monotonicMs)

  async function register(): Promise<void> {
    runId = await redisRunId()
    const result = await store.heartbeat(leaseMs, true)
    if (result !== 'ok') throw new Error(`could not register this node: ${result}`)
  }

  async function rebuild(): Promise<void> {
    rebuilding = true
    store.setAvailable(false)
    // Removals that failed before Redis lost its data are moot; under the run_id already registered
    // (a rebuild cut short) they concern users restored by the first attempt, and must be retried.
    if ((await redisRunId()) !== runId) store.dropFailedRemovals()
    await register()
    const users = hooks.localUsers()
    const restored = await store.restore(users)
    store.setAvailable(true)
    rebuilding = false
    await hooks.resumeSearches()
    logger.info({ users: users.length, restored }, 'rebuilt this node’s users after Redis lost its data')
  }

  async function fence(): Promise<void> {
    fenced = true
    healthySinceMs = null
    reaper.forget()
    logger.warn('this node was declared dead while Redis kept running; dropping its clients')
    hooks.onFenced()
    // A reaper may have died mid-way, leaving the node marked (its register answers 'expired')
    // with users left: finish the job here, or with no other node alive it never serves again.
    await removeOwnUsers(store, hooks.onEnded)
    await register()
    fenced = false
  }

  async function beat(): Promise<void> {
    const result = await store.heartbeat(leaseMs, false)
    if (result === 'ok') return
    if (result === 'missing' && (await redisRunId()) !== runId) return rebuild()
    return fence()
  }

  async function tick(): Promise<void> {
    try {
      await (rebuilding ? rebuild() : beat())
      reachable = true
      const nowMs = monotonicMs()
      healthySinceMs ??= nowMs
      const retried = await store.retryRemovals()
      if (retried.length > 0) hooks.onEnded(retried)
      if (nowMs - healthySinceMs >= leaseMs) await reaper.run()
    } catch (error) {
      reachable = false
      healthySinceMs = null
      reaper.forget()
      logger.debug({ err: error }, 'cluster housekeeping failed; retrying')
    }
  }

  return {
    async start() {
      await register()
      healthySinceMs = monotonicMs()
      timer = setInterval(() => {
        ticking ??= tick().finally(() => (ticking = null))
      }, heartbeatIntervalMs)
    },
    async retire() {
      // Heartbeat off first: a tick after the users are gone would register the node again.
      if (timer) clearInterval(timer)
      timer = null
      await ticking
      await removeOwnUsers(store, hooks.onEnded)
    },
    connectionLost() {
      reachable = false
    },
    state() {
      if (rebuilding) return 'rebuilding'
      if (fenced) return 'fenced'
      return reachable ? 'ok' : 'redis-unreachable'
    },
  }
}
