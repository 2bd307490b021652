// Proof of work before a search (ALTCHA v2 challenges, altcha-lib). `always`: every match:find; `auto`:
// from an address refused or rate-limited in the last 10 minutes, and from everyone while this node's
// match:find rate is above POW_AUTO_RATE. A solution is accepted once (across nodes with Redis).
import { randomInt } from 'node:crypto'
import type { Redis } from 'ioredis'
import { createChallenge, verifySolution } from 'altcha-lib'
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2'
import { z } from 'zod'
import type { PowChallenge } from '#protocol'
import type { SafetyConfig } from '../config.ts'
import { createExpiringMap } from './expiring-map.ts'

/** PBKDF2 rounds per try: a try costs ~0.4 ms on one core here (WebCrypto in the browser alike). */
export const powRoundsPerTry = 1000
const challengeTtlMs = 120_000
const flagMs = 10 * 60_000

/** Marks a challenge's nonce used until it expires; false when it was used already. */
export type ClaimProof = (nonce: string, expiresAtMs: number, nowMs: number) => Promise<boolean>

export function memoryProofClaims(): ClaimProof {
  const used = createExpiringMap<true>(1_000_000)
  return async (nonce, expiresAtMs, nowMs) => {
    if (used.get(nonce, nowMs)) return false
    used.set(nonce, true, expiresAtMs, nowMs)
    return true
  }
}

export const redisProofClaims =
  (redis: Redis, prefix = 'hush:'): ClaimProof =>
  async (nonce, expiresAtMs, nowMs) =>
    (await redis.set(`${prefix}pow:${nonce}`, '1', 'PX', Math.max(1, expiresAtMs - nowMs), 'NX')) === 'OK'

const hex = z.string().regex(/^[0-9a-f]{1,256}$/)
const payloadSchema = z.object({
  challenge: z.object({
    parameters: z.object({
      algorithm: z.literal('PBKDF2/SHA-256'),
      nonce: hex,
      salt: hex,
      cost: z.number().int().positive(),
      keyLength: z.number().int().positive(),
      keyPrefix: hex,
      keySignature: hex,
      expiresAt: z.number().int().positive(),
    }),
    signature: hex,
  }),
  solution: z.object({ counter: z.number().int().min(0), derivedKey: hex }),
})

function parsePayload(pow: string) {
  try {
    return payloadSchema.safeParse(JSON.parse(Buffer.from(pow, 'base64').toString('utf8'))).data ?? null
  } catch {
    return null
  }
}

export interface PowGate {
  /** Counts a match:find: the rate `auto` watches. */
  counted(nowMs: number): void
  required(address: string, nowMs: number): boolean
  /** null when `pow` is an unused, valid solution (now used); else why not. */
  refusal(pow: string | undefined, nowMs: number): Promise<string | null>
  challenge(nowMs: number): Promise<PowChallenge>
  /** An address refused or rate-limited: `auto` asks it for proof of work for 10 minutes. */
  flag(address: string, nowMs: number): void
}

export function createPowGate(
  config: Pick<SafetyConfig, 'pow' | 'powAutoRate' | 'powCost'>,
  secrets: { challenge: string; key: string },
  claim: ClaimProof,
): PowGate {
  const flagged = createExpiringMap<true>(100_000)
  // Finds in the current second and the one before: the rate is the larger of the two.
  let second = 0
  let thisSecond = 0
  let lastSecond = 0
  // Read at each use: the shared secret replaces the first ones at start.
  const hmac = () => ({ hmacSignatureSecret: secrets.challenge, hmacKeySignatureSecret: secrets.key })

  return {
    counted(nowMs) {
      const now = Math.floor(nowMs / 1000)
      if (now !== second) {
        lastSecond = now === second + 1 ? thisSecond : 0
        thisSecond = 0
        second = now
      }
      thisSecond++
    },
    required(address, nowMs) {
      if (config.pow !== 'auto') return config.pow === 'always'
      return Math.max(thisSecond, lastSecond) > config.powAutoRate || flagged.get(address, nowMs) === true
    },
    async refusal(pow, nowMs) {
      if (pow === undefined) return 'solve this proof of work, then search again with it'
      const payload = parsePayload(pow)
      if (!payload) return 'not a proof-of-work solution; solve the new challenge'
      const result = await verifySolution({ ...payload, deriveKey, ...hmac() })
      if (!result.verified) return result.expired ? 'the challenge expired; solve the new one' : 'wrong solution'
      const { nonce, expiresAt } = payload.challenge.parameters
      if (!(await claim(nonce, expiresAt * 1000, nowMs))) return 'that solution was used already; solve the new one'
      return null
    },
    async challenge(nowMs) {
      // The solver derives keys from counter 0 up to this one: POW_COST tries on average.
      const counter = randomInt(Math.ceil(config.powCost / 2), Math.ceil((config.powCost * 3) / 2))
      const made = await createChallenge({
        algorithm: 'PBKDF2/SHA-256',
        cost: powRoundsPerTry,
        counter,
        deriveKey,
        expiresAt: Math.ceil((nowMs + challengeTtlMs) / 1000),
        ...hmac(),
      })
      return made as PowChallenge
    },
    flag(address, nowMs) {
      flagged.set(address, true, nowMs + flagMs, nowMs)
    },
  }
}
