// Banned address hashes and until when. Memory: this process only; Redis: P ban:<hash> (the deadline, with
// its TTL, read at every connection) and P bans (a zset by deadline, for the listing and the gauge).
import type { Redis } from 'ioredis'
import { createExpiringMap } from './expiring-map.ts'

export interface Ban {
  key: string
  until: number
}

export interface BanStore {
  ban(key: string, untilMs: number, nowMs: number): Promise<void>
  /** False when the key was not banned. */
  unban(key: string): Promise<boolean>
  /** When the key's ban ends (ms since the epoch); null when it is not banned. */
  until(key: string, nowMs: number): Promise<number | null>
  list(nowMs: number): Promise<Ban[]>
}

export function createMemoryBans(): BanStore {
  const bans = createExpiringMap<number>()
  return {
    async ban(key, untilMs, nowMs) {
      bans.set(key, untilMs, untilMs, nowMs)
    },
    unban: async (key) => bans.delete(key),
    until: async (key, nowMs) => bans.get(key, nowMs) ?? null,
    list: async (nowMs) => bans.entries(nowMs).map(([key, until]) => ({ key, until })),
  }
}

export function createRedisBans(redis: Redis, prefix = 'hush:'): BanStore {
  const index = `${prefix}bans`
  const key = (hash: string) => `${prefix}ban:${hash}`
  return {
    async ban(hash, untilMs, nowMs) {
      await redis
        .multi()
        .set(key(hash), String(untilMs), 'PX', Math.max(1, untilMs - nowMs))
        .zadd(index, untilMs, hash)
        .zremrangebyscore(index, '-inf', nowMs)
        // The index lives as long as its latest ban: NX gives it an expiry, GT only ever extends it.
        .pexpireat(index, untilMs, 'NX')
        .pexpireat(index, untilMs, 'GT')
        .exec()
    },
    async unban(hash) {
      const [removed] = await Promise.all([redis.del(key(hash)), redis.zrem(index, hash)])
      return removed === 1
    },
    async until(hash) {
      const until = await redis.get(key(hash))
      return until === null ? null : Number(until)
    },
    async list(nowMs) {
      const flat = await redis.zrangebyscore(index, `(${nowMs}`, '+inf', 'WITHSCORES')
      const bans: Ban[] = []
      for (let i = 0; i + 1 < flat.length; i += 2) bans.push({ key: flat[i] ?? '', until: Number(flat[i + 1]) })
      return bans
    },
  }
}
