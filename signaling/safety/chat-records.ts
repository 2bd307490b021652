// What the server keeps of a chat so that it can be reported or blocked: each side's user id, address hash
// and signKey, and when it ended. From the pairing until the report window after its end is over, then gone.
import type { Redis } from 'ioredis'
import type { UserId } from '../store/store.ts'
import { createExpiringMap } from './expiring-map.ts'

export interface ChatSide {
  user: UserId
  /** The side's address hash ('' when unknown). */
  hash: string
  /** The side's signKey ('' when it sent none). */
  signKey: string
}

export interface ChatRecord {
  sides: [ChatSide, ChatSide]
  endedAtMs: number | null
}

export interface ChatRecords {
  paired(chatId: string, sides: [ChatSide, ChatSide], nowMs: number): Promise<void>
  ended(chatId: string, nowMs: number): Promise<void>
  get(chatId: string, nowMs: number): Promise<ChatRecord | null>
}

/** A chat still open after this long is forgotten (a chat lost to a crash must not be kept for ever). */
export const maxOpenChatMs = 86_400_000

/** How long records live: open, up to `maxOpenChatMs` plus the window; ended, the window and a margin answering too-late. */
export function recordLifetimes(windowMs: number) {
  const endedMs = windowMs + Math.min(windowMs, 3_600_000)
  return { openMs: maxOpenChatMs + endedMs, endedMs }
}

export function createMemoryChatRecords(windowMs: number): ChatRecords {
  const { openMs, endedMs } = recordLifetimes(windowMs)
  const records = createExpiringMap<ChatRecord>()
  return {
    async paired(chatId, sides, nowMs) {
      records.set(chatId, { sides, endedAtMs: null }, nowMs + openMs, nowMs)
    },
    async ended(chatId, nowMs) {
      const record = records.get(chatId, nowMs)
      if (record && record.endedAtMs === null)
        records.set(chatId, { ...record, endedAtMs: nowMs }, nowMs + endedMs, nowMs)
    },
    get: async (chatId, nowMs) => records.get(chatId, nowMs) ?? null,
  }
}

/** P chat:<chatId>: a hash (au ah ak, bu bh bk: the two sides; e: ended at), with its TTL. */
export function createRedisChatRecords(redis: Redis, windowMs: number, prefix = 'hush:'): ChatRecords {
  const { openMs, endedMs } = recordLifetimes(windowMs)
  const key = (chatId: string) => `${prefix}chat:${chatId}`
  return {
    async paired(chatId, [a, b]) {
      const fields = { au: a.user, ah: a.hash, ak: a.signKey, bu: b.user, bh: b.hash, bk: b.signKey }
      await redis.multi().hset(key(chatId), fields).pexpire(key(chatId), openMs).exec()
    },
    async ended(chatId, nowMs) {
      // The first end counts; a record of nothing but its end (a lost pairing) lives the short lifetime only.
      await redis.hsetnx(key(chatId), 'e', String(nowMs)).then(async (set) => {
        if (set === 1) await redis.pexpire(key(chatId), endedMs)
      })
    },
    async get(chatId) {
      const r = await redis.hgetall(key(chatId))
      if (r.au === undefined || r.bu === undefined) return null
      const side = (user: string, hash = '', signKey = ''): ChatSide => ({ user, hash, signKey })
      return {
        sides: [side(r.au, r.ah, r.ak), side(r.bu, r.bh, r.bk)],
        endedAtMs: r.e === undefined ? null : Number(r.e),
      }
    },
  }
}
