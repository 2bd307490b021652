// The Redis store's own shapes: what a cluster asks of it beyond the MatchStore (leases, reaping, rebuild).
import type { Ended, MatchStore, UserId } from './store.ts'

/** What a node knows of one of its live users: enough to rebuild Redis after a restart. */
export interface LocalUser {
  id: UserId
  name: string
  ip: string
  state: 'idle' | 'chatting'
  chatId: string
  partner: UserId
  /** The stranger of the last chat ('' if none): not to be paired again at once (the find script's rule). */
  lastPartner: UserId
  /** The key of the resume token of the user's latest welcome: their session stays resumable. */
  resumeKey: string
  /** The room this node relays to the user in (read by a partner who resumes elsewhere). */
  relayRoom: string
  /** The key the user's blocks and bans are kept under (Arrival.blockKey; '' for none). */
  blockKey: string
}

/** A restored user's fields, in the order the restore script reads them. */
export const restoredFields = [
  'id', 'name', 'ip', 'state', 'chatId', 'partner', 'lastPartner', 'resumeKey', 'relayRoom', 'blockKey',
] as const satisfies readonly (keyof LocalUser)[] // prettier-ignore

export type HeartbeatResult = 'ok' | 'expired' | 'missing'

/** After a reap call: users left, none left (the node is gone), or not reaped since it heartbeated again. */
export type ReapStatus = 'more' | 'done' | 'alive'

/** A node whose lease ran out, with its deadline as Redis holds it (-1: being reaped). */
export interface ExpiredNode {
  node: string
  deadline: string
}

export interface RedisMatchStore extends MatchStore {
  readonly nodeId: string
  /** Extends this node's lease; `register` creates it when missing (start, or after Redis lost its data). */
  heartbeat(ttlMs: number, register: boolean): Promise<HeartbeatResult>
  /** Nodes whose lease has run out on the Redis clock (at most `limit`). */
  expiredNodes(limit: number): Promise<ExpiredNode[]>
  /**
   * Removes one batch of a node's users, the chats that ended returned so partners can be told. With the
   * deadline a reaper saw expired, only if the node has not heartbeated since; without, whatever its lease.
   */
  reapNode(node: string, batch: number, seenDeadline?: string): Promise<{ status: ReapStatus; ended: Ended[] }>
  restore(users: readonly LocalUser[]): Promise<number>
  /** Removals that failed while Redis was unreachable, retried now; their ended chats are returned. */
  retryRemovals(): Promise<Ended[]>
  /** Forgets removals that failed: Redis lost its data since, so those users are gone anyway. */
  dropFailedRemovals(): void
  /** While false, calls fail with StoreUnavailableError (the node is rebuilding its state in Redis). */
  setAvailable(available: boolean): void
}

export interface RedisStoreOptions {
  nodeId: string
  prefix?: string
  /** How long a non-strict searcher with interests waits for a shared one (I2). */
  interestWaitMs?: number
}
