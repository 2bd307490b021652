// Safety wired together: the shared secret, address hashes, chat records, reports, bans, blocks and proof
// of work, each in memory or in Redis (with REDIS_URL), behind one object the server and sessions use.
import type { Redis } from 'ioredis'
import type { Config } from '../config.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import type { BlockList } from '../store/blocks.ts'
import type { Ended, Pairing } from '../store/store.ts'
import type { Handler } from '../session-types.ts'
import type { Validators } from '../validation.ts'
import { createAddressHasher, type AddressHasher } from './address-hash.ts'
import { createMemoryBans, createRedisBans, type BanStore } from './bans.ts'
import { memoryBlockWriter, redisBlockWriter } from './blocks.ts'
import { createMemoryChatRecords, createRedisChatRecords, recordLifetimes } from './chat-records.ts'
import { createSafetyHandlers } from './handlers.ts'
import { createPowGate, memoryProofClaims, redisProofClaims, type PowGate } from './pow.ts'
import type { ReportStore } from './report-store.ts'
import { createMemoryReportStore } from './report-store-memory.ts'
import { createRedisReportStore } from './report-store-redis.ts'
import { loadSafetySecret, subkey } from './secret.ts'
import { randomBytes } from 'node:crypto'

export interface SafetyDeps {
  config: Config
  /** The cluster's command connection; null: everything in this process's memory. */
  redis: Redis | null
  /** The memory store's block list (unused with Redis). */
  blocks: BlockList | null
  validators: Validators
  metrics: Metrics
  logger: Logger
  now(): number
  /** Closes this address's sockets on every node, telling them until when. */
  enforceBan(addressHash: string, untilMs: number): void
}

export interface Safety {
  /** Reads (or creates) the shared secret: before any connection is admitted. */
  start(): Promise<void>
  /** The keyed hash of an address key. */
  hash: AddressHasher
  pow: PowGate
  bans: BanStore
  reports: ReportStore
  report: Handler
  block: Handler
  /** Bans an address for `ttlS` and closes its sockets. */
  ban(addressHash: string, ttlS: number): Promise<number>
  unban(addressHash: string): Promise<boolean>
  /** Bans in force, as last counted (at each ban or unban here, and every 15 s): a scrape never waits on Redis. */
  activeBans(): number
  close(): void
  chatPaired(pairing: Pairing): void
  chatEnded(ended: Ended): void
}

export function createSafety(deps: SafetyDeps): Safety {
  const { config, redis, logger, now } = deps
  const safety = config.safety
  const windowMs = safety.reportWindowS * 1000
  const records = redis ? createRedisChatRecords(redis, windowMs) : createMemoryChatRecords(windowMs)
  const bans = redis ? createRedisBans(redis) : createMemoryBans()
  const reportSettings = {
    windowMs,
    retentionMs: safety.reportRetentionS * 1000,
    perHour: safety.reportsPerHour,
    maxStored: safety.maxStoredReports,
    onceMs: recordLifetimes(windowMs).openMs,
  }
  const reports = redis ? createRedisReportStore(redis, reportSettings) : createMemoryReportStore(reportSettings)
  const writeBlock = redis ? redisBlockWriter(redis) : deps.blocks ? memoryBlockWriter(deps.blocks) : async () => {}
  // Replaced by the shared secret's in start(); nothing is hashed before (no connection is admitted).
  let hasher = createAddressHasher(randomBytes(32).toString('hex'))
  const secrets = { challenge: randomBytes(32).toString('hex'), key: randomBytes(32).toString('hex') }
  const pow = createPowGate(safety, secrets, redis ? redisProofClaims(redis) : memoryProofClaims())

  let activeBans = 0
  let recount: NodeJS.Timeout | null = null
  const countBans = () =>
    bans.list(now()).then(
      (list) => void (activeBans = list.length),
      (error: unknown) => logger.debug({ err: error }, 'could not count bans'),
    )

  async function ban(addressHash: string, ttlS: number): Promise<number> {
    const nowMs = now()
    const untilMs = nowMs + ttlS * 1000
    await bans.ban(addressHash, untilMs, nowMs)
    logger.info({ until: untilMs }, 'address banned')
    deps.enforceBan(addressHash, untilMs)
    await countBans()
    return untilMs
  }

  const handlers = createSafetyHandlers({
    config: safety,
    validators: deps.validators,
    records,
    reports,
    writeBlock,
    metrics: deps.metrics,
    logger,
    now,
    async reachedThreshold(addressHash) {
      if ((await bans.until(addressHash, now())) === null) await ban(addressHash, safety.banTtlS)
    },
  })

  // Records are written off the request's path: a failure costs that chat its reportability, nothing else.
  const logFailure = (what: string) => (error: unknown) =>
    logger.warn({ err: error }, `could not record a chat's ${what}`)

  return {
    async start() {
      const secret = await loadSafetySecret(redis)
      hasher = createAddressHasher(subkey(secret, 'address'))
      secrets.challenge = subkey(secret, 'pow-challenge')
      secrets.key = subkey(secret, 'pow-key')
      recount = setInterval(countBans, 15_000).unref()
      await countBans()
    },
    close() {
      if (recount) clearInterval(recount)
    },
    activeBans: () => activeBans,
    async unban(addressHash) {
      const removed = await bans.unban(addressHash)
      await countBans()
      return removed
    },
    hash: (addressKey) => hasher(addressKey),
    pow,
    bans,
    reports,
    report: handlers.report,
    block: handlers.block,
    ban,
    chatPaired({ chatId, initiator, responder }) {
      const side = (member: typeof initiator) => ({ user: member.id, hash: member.blockKey, signKey: member.signKey })
      records.paired(chatId, [side(initiator), side(responder)], now()).catch(logFailure('pairing'))
    },
    chatEnded(ended) {
      records.ended(ended.chatId, now()).catch(logFailure('end'))
    },
  }
}
