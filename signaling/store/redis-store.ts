// Matchmaking in Redis, shared by every node: one Lua script per MatchStore method (one round trip,
// atomic on the primary), plus what a cluster needs: heartbeats, reaping dead nodes, and restoring a
// node's live users after Redis lost its data.
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { defaultLimits, type EndReason, type Presence } from '#protocol'
import { popularInterestMinSearching, popularInterestsShown } from '#protocol/interests.ts'
import { maxRematchSkips } from './memory-queue.ts'
import * as matchScripts from './redis-match-scripts.ts'
import * as resumeScripts from './redis-resume-scripts.ts'
import * as scripts from './redis-scripts.ts'
import {
  restoredFields,
  type ExpiredNode,
  type HeartbeatResult,
  type RedisMatchStore,
  type RedisStoreOptions,
  type ReapStatus,
} from './redis-store-types.ts'
import {
  anyone,
  StoreUnavailableError,
  type AddOutcome,
  type Ended,
  type FindOutcome,
  type Pairing,
  type ResumeOutcome,
  type UserId,
} from './store.ts'

export type {
  ExpiredNode,
  HeartbeatResult,
  LocalUser,
  RedisMatchStore,
  RedisStoreOptions,
  ReapStatus,
} from './redis-store-types.ts'

type ScriptName = keyof typeof scriptSources
/** What the find script answers: the outcome's kind, the fallback deadline when queued, or a pair (pairingOf). */
type FindReply =
  ['already-searching' | 'already-chatting' | 'unknown-user'] | ['queued', string] | ['matched', ...string[]]
/** What the resume script answers (see redis-resume-scripts.ts). */
type ResumeReply =
  ['unknown' | 'too-many-connections' | 'unavailable'] | ['resumed', string, string, string, string, string, string]
type ScriptCall = (...args: (string | number)[]) => Promise<unknown>

const scriptSources = {
  hushAdd: scripts.addScript,
  hushFind: matchScripts.findScript,
  hushFallback: matchScripts.fallbackScript,
  hushCancel: matchScripts.cancelScript,
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

/** Searches opened per fallback call: each call stays short however many fall due at once. */
const fallbackBatch = 128

/** The fields of one pairing in a script's reply (redis-queue-lua.ts, pair). */
const pairFields = 14

/**
 * One pairing from a script's reply, at `at`: chatId, initiator and responder (id, name, room, sign key,
 * queued at), common, then the two block keys.
 */
function pairingOf(reply: readonly string[], at: number, nowMs: number): Pairing {
  const field = (i: number) => reply[at + i] ?? ''
  const common = field(11)
  return {
    chatId: field(0),
    initiator: { id: field(1), name: field(2), relayRoom: field(3), signKey: field(4), blockKey: field(12) },
    responder: { id: field(6), name: field(7), relayRoom: field(8), signKey: field(9), blockKey: field(13) },
    waitedMs: Math.max(0, nowMs - Number(field(5))),
    common: common === '' ? [] : common.split(','),
  }
}

const isReplyError = (error: unknown): boolean => error instanceof Error && error.name === 'ReplyError'

export function createRedisStore(redis: Redis, options: RedisStoreOptions): RedisMatchStore {
  const { nodeId } = options
  const prefix = options.prefix ?? 'hush:'
  const interestWaitMs = options.interestWaitMs ?? defaultLimits.interestWaitMs
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

    async find(user, nowMs, relayRoom = '', search = anyone): Promise<FindOutcome> {
      const { interests, lang, strict, signKey } = search
      const reply = (await run(
        'hushFind',
        user,
        nowMs,
        randomUUID(),
        maxRematchSkips,
        relayRoom,
        interests.join(','),
        lang,
        strict ? '1' : '',
        signKey,
        interestWaitMs,
      )) as FindReply
      if (reply[0] === 'matched') return { kind: 'matched', pairing: pairingOf(reply, 1, nowMs) }
      if (reply[0] !== 'queued') return { kind: reply[0] }
      return reply[1] === '' ? { kind: 'queued' } : { kind: 'queued', fallbackAtMs: Number(reply[1]) }
    },

    async fallback(nowMs) {
      const pairings: Pairing[] = []
      for (let more = true; more;) {
        const chatIds = Array.from({ length: fallbackBatch }, () => randomUUID())
        const reply = (await run('hushFallback', nowMs, maxRematchSkips, fallbackBatch, ...chatIds)) as string[]
        for (let at = 1; at + pairFields <= reply.length; at += pairFields) pairings.push(pairingOf(reply, at, nowMs))
        more = reply[0] === 'more'
      }
      return pairings
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
        next.blockKey ?? '',
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
      const [online, searching, chatting, ...popular] = (await run(
        'hushCounts',
        popularInterestMinSearching,
        popularInterestsShown,
      )) as [number, number, number, ...string[]]
      const interests: Presence['interests'] = []
      for (let i = 0; i + 1 < popular.length; i += 2) {
        interests.push({ tag: popular[i] ?? '', searching: Number(popular[i + 1]) })
      }
      return { online, searching, chatting, interests }
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
        const args = users.slice(start, start + restoreBatch).flatMap((u) => restoredFields.map((field) => u[field]))
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
