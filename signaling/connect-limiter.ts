// New connections per client address per minute. Per-socket buckets can be emptied and refilled by
// reconnecting; this limit cannot, and with Redis it is counted across all nodes (rate-limiter-flexible,
// one INCR script per connection, keys expiring with their window). Memory alone while Redis is down.
import type { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'

export interface ConnectLimiter {
  /** False when the address opened too many connections in the last minute. */
  allow(ip: string): Promise<boolean>
  /**
   * Gives back the attempt `allow` took, for a connection refused anyway (the per-address cap): tabs
   * retrying behind one school or office address must not use up its connects for everyone.
   */
  refund(ip: string): Promise<void>
}

const windowS = 60

export function createConnectLimiter(perMinute: number, redis: Redis | null): ConnectLimiter {
  if (perMinute <= 0) return { allow: async () => true, refund: async () => {} }
  const memory = new RateLimiterMemory({ points: perMinute, duration: windowS })
  const limiter = redis
    ? new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: 'hush:rl:connect',
        points: perMinute,
        duration: windowS,
        rejectIfRedisNotReady: true,
        // Each node counts alone while Redis is unreachable, rather than refusing everyone.
        insuranceLimiter: memory,
      })
    : memory
  return {
    async allow(ip) {
      try {
        await limiter.consume(ip)
        return true
      } catch (error) {
        if (error instanceof RateLimiterRes) return false
        throw error
      }
    },
    async refund(ip) {
      await limiter.reward(ip, 1).catch(() => {}) // best effort: at worst the attempt stays counted
    },
  }
}
