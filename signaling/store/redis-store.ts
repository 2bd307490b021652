// Matchmaking in Redis, shared by every node: one Lua script per MatchStore method (one round trip,
// atomic on the primary), plus what a cluster needs: heartbeats, reaping dead nodes, and restoring a
// node's live users after Redis lost its data.
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { EndReason, Presence } from '#protocol'
import { maxRematchSkips } from './memory-store.ts'
import * as resumeScripts from './redis-resume-scripts.ts'
import * as scripts from './redis-scripts.ts'
import {
  StoreUnavailableError,
  type AddOutcome,
  type Ended,
  type FindOutcome,
  type MatchStore,
  type ResumeOutcome,
  type UserId,
} from './store.ts'

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
}

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
}

type ScriptName = keyof typeof scriptSources
/** The find script's answer: the outcome's kind, or a pair (partner id, name, queued at; own name; partner's relay room,
 *  sign key and block key; own block key). */
type FindReply =
  | ['queued' | 'already-searching' | 'already-chatting' | 'unknown-user']
  | ['matched', string, string, string, string, string, string, string, string]
/** What the resume script answers (see redis-resume-scripts.ts). */
type ResumeReply =
  ['unknown' | 'too-many-connections' | 'unavailable'] | ['resumed', string, string, string, string, string, string]
type ScriptCall = (...args: (string | number)[]) => Promise<unknown>

const scriptSources = {
  hushAdd: scripts.addScript,
  hushFind: scripts.findScript,
  hushCancel: scripts.cancelScript,
  hushLeave: scripts.leaveScript,
  hushRemove: scripts.removeScript,
  hushCounts: scripts.countsScript,
  hushHeartbeat: scripts.heartbeatScript,
  hushExpiredNodes: scripts.expiredNodesScript,
  hushReapNode: scripts.reapNodeScript,
  hushRestore: scripts.restoreScript,
  hushSuspend: resumeScripts.suspendScript,
  hushResume: resumeScripts.resumeScript,
  hushExpireGraces: resumeScripts.expireGracesScript,
}

/** Users restored (or sessions expired) per script call: keeps each call short so Redis never stalls other nodes. */
const restoreBatch = 500

const isReplyError = (error: unknown): boolean => error instanceof Error && error.name === 'ReplyError'

export function createRedisStore(redis: Redis, options: RedisStoreOptions): RedisMatchStore {
  const { nodeId } = options
  const prefix = options.prefix ?? 'hush:'
  let available = true
  // Users whose removal failed, with the resume key it was made under ('' for any).
  const failedRemovals = new Map<UserId, string>()

  for (const [name, lua] of Object.entries(scriptSources)) redis.defineCommand(name, { numberOfKeys: 0, lua })
  const commands = redis as unknown as Record<ScriptName, ScriptCall>

  const rebuilding = () => new StoreUnavailableError('matchmaking is rebuilding after a Redis restart')
  const unregistered = () => new StoreUnavailableError('this node is not registered in Redis')

  // Users' requests wait for the rebuild; the cluster's own calls (heartbeat, restore, reap) do not.
  async function run(name: ScriptName, ...args: (string | number)[]): Promise<unknown> {
    if (!available) throw rebuilding()
    return call(name, ...args)
  }

  // A script error is a bug (internal); anything else means Redis is unreachable (unavailable).
  async function call(name: ScriptName, ...args: (string | number)[]): Promise<unknown> {
    try {
      return await commands[name](prefix, ...args)
    } catch (error) {
      if (isReplyError(error)) throw error
      throw new StoreUnavailableError('Redis is unreachable', { cause: error })
    }
  }

  const toEnded = (reply: unknown, reason: EndReason): Ended | null => {
    if (!Array.isArray(reply)) return null
    const [chatId, partner] = reply as [string, string]
    return { chatId, partner, reason }
  }

  // Reap and expiry replies carry the chats that ended as flat pairs after their first element.
  const endedPairs = (pairs: readonly string[]): Ended[] => {
    const ended: Ended[] = []
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      ended.push({ chatId: pairs[i] ?? '', partner: pairs[i + 1] ?? '', reason: 'disconnected' })
    }
    return ended
  }

  async function remove(user: UserId, resumeKey = ''): Promise<Ended | null> {
    try {
      const ended = toEnded(await run('hushRemove', user, resumeKey), 'disconnected')
      failedRemovals.delete(user)
      return ended
    } catch (error) {
      // Keep it to retry on reconnection: a live node's users must not outlive their sockets in Redis.
      if (error instanceof StoreUnavailableError) failedRemovals.set(user, resumeKey)
      throw error
    }
  }

  return {
    nodeId,

    async add({ id, name, ip, resumeKey = '', blockKey = '' }, maxPerIp): Promise<AddOutcome> {
      const reply = await run('hushAdd', id, name, nodeId, ip, maxPerIp, resumeKey, blockKey)
      if (reply === -1) throw unregistered()
      return reply === -2 ? 'too-many-connections' : 'added'
    },

    async find(user, nowMs, relayRoom = '', search = {}): Promise<FindOutcome> {
      const chatId = randomUUID()
      const signKey = search.signKey ?? ''
      const reply = (await run('hushFind', user, nowMs, chatId, maxRematchSkips, relayRoom, signKey)) as FindReply
      if (reply[0] !== 'matched') return { kind: reply[0] }
      const [, partner, partnerName, queuedAt, ownName, partnerRoom, partnerKey, partnerBlockKey, ownBlockKey] = reply
      return {
        kind: 'matched',
        pairing: {
          chatId,
          initiator: {
            id: partner,
            name: partnerName,
            relayRoom: partnerRoom,
            signKey: partnerKey,
            blockKey: partnerBlockKey,
          },
          responder: { id: user, name: ownName, relayRoom, signKey, blockKey: ownBlockKey },
          waitedMs: Math.max(0, nowMs - Number(queuedAt)),
        },
      }
    },

    async cancel(user) {
      return (await run('hushCancel', user)) === 1
    },

    async leave(user, reason) {
      return toEnded(await run('hushLeave', user), reason)
    },

    remove,

    // Redis's clock times the grace (as it does the leases): the caller's `nowMs` is not needed.
    async suspend(resumeKey, graceMs) {
      return (await run('hushSuspend', resumeKey, graceMs)) === 1
    },

    async resume(resumeKey, next, maxPerIp): Promise<ResumeOutcome> {
      const reply = (await run(
        'hushResume',
        resumeKey,
        next.resumeKey,
        nodeId,
        next.ip,
        maxPerIp,
        next.relayRoom,
      )) as ResumeReply
      if (reply[0] === 'unavailable') throw unregistered()
      if (reply[0] !== 'resumed') return { kind: reply[0] }
      const [, id, name, chatId, partner, partnerRoom, lastPartner] = reply
      return {
        kind: 'resumed',
        session: {
          id,
          name,
          chat: chatId === '' ? null : { chatId, partner, partnerRoom },
          lastPartner: lastPartner === '' ? null : lastPartner,
        },
      }
    },

    async expireGraces() {
      const [expired, ...pairs] = (await run('hushExpireGraces', restoreBatch)) as [number, ...string[]]
      return { expired, ended: endedPairs(pairs) }
    },

    async partnerOf(user) {
      if (!available) throw rebuilding()
      return redis.hget(`${prefix}u:${user}`, 'p')
    },

    async counts(): Promise<Presence> {
      const [online, searching, chatting] = (await run('hushCounts')) as [number, number, number]
      return { online, searching, chatting }
    },

    async heartbeat(ttlMs, register) {
      return (await call('hushHeartbeat', nodeId, ttlMs, register ? '1' : '0')) as HeartbeatResult
    },

    async expiredNodes(limit) {
      const flat = (await call('hushExpiredNodes', limit)) as string[]
      const expired: ExpiredNode[] = []
      for (let i = 0; i + 1 < flat.length; i += 2) expired.push({ node: flat[i] ?? '', deadline: flat[i + 1] ?? '' })
      return expired
    },

    async reapNode(node, batch, seenDeadline = '') {
      const [status, ...pairs] = (await call('hushReapNode', node, batch, seenDeadline)) as [ReapStatus, ...string[]]
      return { status, ended: endedPairs(pairs) }
    },

    async restore(users) {
      let restored = 0
      for (let start = 0; start < users.length; start += restoreBatch) {
        const args = users
          .slice(start, start + restoreBatch)
          .flatMap((u) => [u.id, u.name, u.ip, u.state, u.chatId, u.partner, u.lastPartner, u.resumeKey, u.relayRoom])
        restored += (await call('hushRestore', nodeId, ...args)) as number
      }
      return restored
    },

    async retryRemovals() {
      const ended: Ended[] = []
      for (const [user, resumeKey] of [...failedRemovals]) {
        const result = await remove(user, resumeKey)
        if (result) ended.push(result)
      }
      return ended
    },

    dropFailedRemovals() {
      failedRemovals.clear()
    },

    setAvailable(next) {
      available = next
    },

    // The cluster retires the node (liveness.ts): it must stop the heartbeat first and announce the ended chats.
    async close() {},
  }
}
