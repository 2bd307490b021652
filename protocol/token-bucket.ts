// Token buckets as plain numbers, refilled lazily on use: no timers, no closures per socket.
import type { RateLimit } from './protocol.ts'

export interface Bucket {
  tokens: number
  atMs: number
}

export const fullBucket = (limit: RateLimit, nowMs: number): Bucket => ({ tokens: limit.burst, atMs: nowMs })

/** Takes `cost` tokens (one by default); false, taking none, when the bucket holds fewer. */
export function takeToken(bucket: Bucket, limit: RateLimit, nowMs: number, cost = 1): boolean {
  // A clock stepped back refills nothing (and takes nothing back).
  const elapsedMs = Math.max(0, nowMs - bucket.atMs)
  bucket.tokens = Math.min(limit.burst, bucket.tokens + (elapsedMs / 1000) * limit.perSecond)
  bucket.atMs = nowMs
  if (bucket.tokens < cost) return false
  bucket.tokens -= cost
  return true
}
