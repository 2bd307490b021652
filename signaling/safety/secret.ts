// The safety secret: keys the address hashes and signs proof-of-work challenges. Every node of a cluster
// must hold the same one, so the first node creates it in Redis (SET NX) and the others read it; a single
// node in memory makes a random one per process (its reports, bans and blocks die with it anyway).
import { createHmac, randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'

export const secretKey = (prefix: string) => `${prefix}safety:secret`

export async function loadSafetySecret(redis: Redis | null, prefix = 'hush:'): Promise<Buffer> {
  const fresh = randomBytes(32).toString('base64')
  if (!redis) return Buffer.from(fresh, 'base64')
  await redis.set(secretKey(prefix), fresh, 'NX')
  const shared = await redis.get(secretKey(prefix))
  if (shared === null) throw new Error('the safety secret vanished from Redis while it was being read')
  return Buffer.from(shared, 'base64')
}

/** A key of its own for each use, so that no value made for one use is valid for another. */
export const subkey = (secret: Buffer, label: string): string =>
  createHmac('sha256', secret).update(`hush-${label}`).digest('hex')
