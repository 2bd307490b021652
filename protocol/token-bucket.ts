// Token buckets as plain numbers, refilled lazily on use: no timers, no closures per socket.
import type { RateLimit } from './protocol.ts'

export interface Bucket {
  tokens: number
  atMs: number
}

export const fullBucket = (limit: RateLimit, nowMs: number): Bucket => ({ tokens: limit.burst, atMs: nowMs })

/** Takes one token; false when the bucket is empty. */
export function takeToken(bucket: Bucket, limit: RateLimit, nowMs: number): boolean {
  // A clock stepped back refills nothing (and takes nothing back).
  const elapsedMs = Math.max(0, nowMs - bucket.atMs)
  bucket.tokens = Math.min(limit.burst, bucket.tokens + (elapsedMs / 1000) * limit.perSecond)
  bucket.atMs = nowMs
  if (bucket.tokens < 1) return false
  bucket.tokens -= 1
  return true
}
