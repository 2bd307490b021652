// bench:signaling --interests: matching by interests against random-only matching in the same run, on
// one node (memory store, or Redis with --redis): 2,000 searchers, each with 0–3 interests drawn from
// 500 tags (Zipf), through a burst and a sustained cycle; the fallback's search → matched time with an
// open waiter there (the fallback alone: in the cycle a fallen-back search may also wait for a partner); and
// the memory one waiting searcher costs (the server's heap, and Redis's used_memory on Redis).
import { setTimeout as sleep } from 'node:timers/promises'
import { startRedis, type TestRedis } from '../../tests/support/redis.ts'
import { hushEnv } from './cluster-bench.ts'
import type { SearchMix } from './interests-load.ts'
import { connectSpread, measureMatching, nextHost, withServers, withWorkers, type Target } from './measure.ts'
import type { LoadWorker } from './processes.ts'
import { round, summarize } from './stats.ts'

export interface InterestsBenchOptions {
  searchers: number
  loopMs: number
  workers: number
  /** INTEREST_WAIT_MS values to run with. */
  waitsMs: number[]
  redis: boolean
  /** Searchers held waiting for the memory reading. */
  waiting: number
}

const setSearches = (workers: LoadWorker[], mix: SearchMix) =>
  Promise.all(workers.map((worker, i) => worker.send({ cmd: 'searches', mix, seed: 7919 * (i + 1) })))

async function redisUsedMemory(redis: TestRedis | null): Promise<number> {
  if (!redis) return 0
  const info = await redis.client.info('memory')
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0)
}

/** Heap (and Redis memory) per searcher waiting with 3 interests of their own, strict: nobody pairs. */
async function waitingCost(target: Target, options: InterestsBenchOptions, redis: TestRedis | null) {
  return withServers(target, 1, ([node]) =>
    withWorkers(options.workers, async (workers) => {
      const { connected } = await connectSpread(workers, [node!.url], options.waiting)
      await sleep(1000)
      const before = await node!.server.stats()
      const redisBefore = await redisUsedMemory(redis)
      await setSearches(workers, 'waiting')
      await Promise.all(workers.map((worker) => worker.send({ cmd: 'wait' })))
      const after = await node!.server.stats()
      const redisAfter = await redisUsedMemory(redis)
      await Promise.all(workers.map((worker) => worker.send({ cmd: 'disconnect' })))
      return {
        waiting: connected,
        interestsEach: 3,
        heapBytesPerWaitingSearcher: round((after.heapUsed - before.heapUsed) / connected, 0),
        rssBytesPerWaitingSearcher: round((after.rss - before.rss) / connected, 0),
        ...(redis ? { redisBytesPerWaitingSearcher: round((redisAfter - redisBefore) / connected, 0) } : {}),
      }
    }),
  )
}

/**
 * The fallback on its own: `count` searchers (per worker at most 676 open waiters, one per language code)
 * whose wait runs out while an open waiter is there, their search → matched time against the wait.
 */
async function fallbackTiming(target: Target, options: InterestsBenchOptions, waitMs: number) {
  const perWorker = Math.min(676 * 2, Math.floor(options.searchers / options.workers / 2) * 2)
  return withServers(target, 1, ([node]) =>
    withWorkers(options.workers, async (workers) => {
      await Promise.all(
        workers.map((worker) =>
          worker.send({ cmd: 'connect', urls: [node!.url], count: perWorker, localAddresses: [nextHost()] }),
        ),
      )
      type Result = { latenciesMs: number[]; matches: number; unsettled: number }
      const results = await Promise.all(
        workers.map((worker, i) =>
          worker.send<Result>({ cmd: 'fallback', spreadMs: 2000, timeoutMs: waitMs + 15_000, seed: i + 1 }),
        ),
      )
      await Promise.all(workers.map((worker) => worker.send({ cmd: 'disconnect' })))
      const latencies = results.flatMap((r) => r.latenciesMs)
      const lateMs = latencies.map((ms) => ms - waitMs)
      return {
        fellBack: latencies.length,
        notPaired: results.reduce((n, r) => n + r.unsettled, 0),
        searchToMatchedMs: summarize(latencies),
        beyondTheWaitMs: summarize(lateMs),
      }
    }),
  )
}

export async function runInterestsBench(options: InterestsBenchOptions) {
  const redis = options.redis ? await startRedis() : null
  try {
    const report: Record<string, unknown> = {
      store: redis ? 'redis' : 'memory',
      searchers: options.searchers,
      interests: '0–3 per searcher (uniform), drawn from 500 tags with Zipf s=1',
    }
    for (const waitMs of options.waitsMs) {
      const target: Target = {
        name: 'hush',
        script: 'bench/lib/hush-server.ts',
        env: { ...hushEnv, INTEREST_WAIT_MS: String(waitMs), ...(redis ? { REDIS_URL: redis.url } : {}) },
      }
      const run = async (mix: SearchMix) => {
        await redis?.client.flushall()
        return withServers(target, 1, (nodes) =>
          withWorkers(options.workers, (workers) =>
            measureMatching(nodes, workers, options.searchers, options.loopMs, {
              prepare: async (ready) => void (await setSearches(ready, mix)),
            }),
          ),
        )
      }
      const random = await run('random')
      process.stderr.write(`bench: random-only done (wait ${waitMs} ms)\n`)
      const interests = await run('zipf')
      process.stderr.write(`bench: interests done (wait ${waitMs} ms)\n`)
      await redis?.client.flushall()
      const fallback = await fallbackTiming(target, options, waitMs)
      process.stderr.write(`bench: fallback timing done (wait ${waitMs} ms)\n`)
      report[`interestWaitMs=${waitMs}`] = {
        randomOnly: random,
        interests,
        fallback,
        matchesPerSecondRatio: round(interests.sustained.matchesPerSecond / random.sustained.matchesPerSecond),
        serverCpuMicrosPerMatchRatio: round(
          interests.sustained.serverCpuMicrosPerMatch / random.sustained.serverCpuMicrosPerMatch,
        ),
        // The fallback alone (an open waiter there); in the cycle a fallen-back search may also wait for a partner.
        fallbackP99Ms: fallback.searchToMatchedMs.p99,
        fallbackP99WithinWaitPlus100Ms: fallback.searchToMatchedMs.p99 <= waitMs + 100,
      }
    }
    const memoryTarget: Target = {
      name: 'hush',
      script: 'bench/lib/hush-server.ts',
      env: { ...hushEnv, ...(redis ? { REDIS_URL: redis.url } : {}) },
    }
    await redis?.client.flushall()
    report.waitingSearcherCost = await waitingCost(memoryTarget, options, redis)
    return report
  } finally {
    await redis?.stop()
  }
}
