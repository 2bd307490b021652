// A per-socket token bucket. Synchronous and allocation-free on the hot path (every relayed ICE
// candidate passes here); rate-limiter-flexible is kept for the shared per-IP limits.
import type { RateLimit } from './protocol.ts'

export interface TokenBucket {
  /** Takes one token; false when the bucket is empty. */
  take(nowMs: number): boolean
}

export function createTokenBucket({ burst, perSecond }: RateLimit, nowMs: number): TokenBucket {
  let tokens = burst
  let updatedMs = nowMs
  return {
    take(now) {
      tokens = Math.min(burst, tokens + ((now - updatedMs) / 1000) * perSecond)
      updatedMs = now
      if (tokens < 1) return false
      tokens -= 1
      return true
    },
  }
}
