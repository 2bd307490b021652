// bench:signaling --redis: Hush in Redis mode on 1, 2 and 3 nodes over one redis-server, against
// a naive Redis baseline (2 plain Socket.IO nodes, Redis list as queue) and the in-memory plain
// Socket.IO baseline; then ≥ 50,000 connections held across 3 nodes with the totals checked.
import { cpus } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { startRedis, type TestRedis } from '../../tests/support/redis.ts'
import { connectSpread, measureMatching, withServers, withWorkers, type MatchingHooks, type Target } from './measure.ts'
import { round } from './stats.ts'

// Load clients do far more than a human; lift the per-socket and per-address limits so the bench measures throughput.
export const hushEnv = {
  LOG_LEVEL: 'warn',
  MAX_CONN_PER_IP: '0',
  CONNECT_RATE_PER_MIN: '0',
  STATIC_DIR: '/nonexistent',
  STUN_PORT: '0',
  MATCH_RATE_BURST: '1000000',
  MATCH_RATE_PER_S: '1000000',
  SIGNAL_RATE_BURST: '1000000',
  SIGNAL_RATE_PER_S: '1000000',
  // Thousands of finds a second from one address would have `auto` ask every one for proof of work, which
  // these load clients do not solve (bench:safety times a solve in the browser).
  POW: 'off',
}

export interface ClusterBenchOptions {
  searchers: number
  loopMs: number
  workers: number
  nodeCounts: number[]
  clusterConnections: number
  /** Skips the matching runs (for trying the connections phase alone). */
  connectionsOnly: boolean
  /** Hush's runs only: no naive or in-memory baseline (quicker A/B runs while developing). */
  hushOnly: boolean
  /** Pause of 0…thinkMs before each new search: arrivals spread, so more pairs span two nodes. */
  thinkMs: number
}

/** Commands a Hush node sends itself; everything else in commandstats ran inside its Lua scripts. */
const hushRoundTripCommands = ['evalsha', 'eval', 'publish', 'spublish', 'ssubscribe', 'sunsubscribe', 'info']

function parseCommandStats(info: string): Map<string, number> {
  const calls = new Map<string, number>()
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]))
  return calls
}

async function redisCpuSeconds(redis: TestRedis): Promise<number> {
  const info = await redis.client.info('cpu')
  const read = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0)
  return read('used_cpu_user') + read('used_cpu_sys')
}

/** Redis work per match during the sustained loop: round trips, commands (inside scripts too) and CPU. */
function redisCost(redis: TestRedis, roundTripCommands: string[] | 'all'): MatchingHooks {
  let calls = new Map<string, number>()
  let cpu = 0
  let startedAt = 0
  return {
    async beforeLoop() {
      calls = parseCommandStats(await redis.client.info('commandstats'))
      cpu = await redisCpuSeconds(redis)
      startedAt = performance.now()
    },
    async afterLoop(matches) {
      const cpuSeconds = (await redisCpuSeconds(redis)) - cpu
      const elapsedSeconds = (performance.now() - startedAt) / 1000
      const after = parseCommandStats(await redis.client.info('commandstats'))
      const perMatch: Record<string, number> = {}
      let commands = 0
      let roundTrips = 0
      for (const [name, total] of after) {
        const delta = total - (calls.get(name) ?? 0) - (name === 'info' ? 3 : 0) // our own INFO calls
        if (delta <= 0) continue
        perMatch[name] = round(delta / Math.max(1, matches))
        commands += delta
        if (roundTripCommands === 'all' || roundTripCommands.includes(name)) roundTrips += delta
      }
      return {
        redis: {
          roundTripsPerMatch: round(roundTrips / Math.max(1, matches)),
          commandsPerMatchIncludingInsideScripts: round(commands / Math.max(1, matches)),
          cpuPercentOfCore: round((cpuSeconds / elapsedSeconds) * 100),
          cpuMicrosPerMatch: round((cpuSeconds * 1e6) / Math.max(1, matches), 1),
          commandsPerMatch: perMatch,
        },
      }
    },
  }
}

async function metricOf(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN)
}

async function holdConnections(target: Target, redis: TestRedis, total: number, workersCount: number) {
  // One load process stays well under the 20,000 open-files cap.
  const workers = Math.max(workersCount, Math.ceil(total / 9000))
  return withServers(target, 3, (nodes) =>
    withWorkers(workers, async (loaders) => {
      const urls = nodes.map((node) => node.url)
      const started = performance.now()
      const { connected, failed } = await connectSpread(loaders, urls, total)
      const connectSeconds = round((performance.now() - started) / 1000)
      await sleep(1000) // two presence ticks: every node has read the totals since the last connection
      const online = await Promise.all(urls.map((url) => metricOf(url, 'hush_online')))
      const perNode = await Promise.all(urls.map((url) => metricOf(url, 'hush_connections')))
      const stats = await Promise.all(nodes.map((node) => node.server.stats()))
      const memory = await redis.client.info('memory')
      const redisUsedBytes = Number(/^used_memory:(\d+)/m.exec(memory)?.[1] ?? 0)
      await Promise.all(loaders.map((loader) => loader.send({ cmd: 'disconnect' })))
      let onlineAfter: number[] = []
      for (let i = 0; i < 100; i++) {
        onlineAfter = await Promise.all(urls.map((url) => metricOf(url, 'hush_online')))
        if (onlineAfter.every((n) => n === 0)) break
        await sleep(200)
      }
      const keysLeft = (await redis.client.keys('*')).filter((key) => !key.startsWith('hush:rl:'))
      return {
        nodes: 3,
        loadProcesses: workers,
        connections: connected,
        failed,
        connectSeconds,
        connectionsPerNode: perNode,
        onlineSeenByEachNode: online,
        totalsRight: online.every((n) => n === connected) && perNode.reduce((a, b) => a + b, 0) === connected,
        rssMiBPerNode: stats.map((s) => round(s.rss / 2 ** 20)),
        redisUsedMiB: round(redisUsedBytes / 2 ** 20),
        redisBytesPerUser: round(redisUsedBytes / Math.max(1, connected)),
        afterAllLeft: { onlineSeenByEachNode: onlineAfter, keysLeft },
      }
    }),
  )
}

export async function runClusterBench(options: ClusterBenchOptions) {
  const redis = await startRedis()
  try {
    const env = { ...hushEnv, REDIS_URL: redis.url }
    const hush: Target = { name: 'hush-redis', script: 'bench/lib/hush-server.ts', env }
    const naive: Target = {
      name: 'naive-redis',
      script: 'bench/baseline/redis-server.ts',
      env: { REDIS_URL: redis.url },
    }
    const inMemory: Target = { name: 'baseline', script: 'bench/baseline/server.ts', env: {} }
    const matchingOn = async (target: Target, nodes: number, hooks: MatchingHooks = {}) => {
      await redis.client.flushall()
      const result = await withServers(target, nodes, (servers) =>
        withWorkers(options.workers, (workers) =>
          measureMatching(servers, workers, options.searchers, options.loopMs, hooks, options.thinkMs),
        ),
      )
      const { sustained, burst } = result
      const summary = { matchesPerSecond: sustained.matchesPerSecond, burstP99: burst.searchToMatchedMs.p99 }
      process.stderr.write(`bench: ${target.name} on ${nodes} node(s) done ${JSON.stringify(summary)}\n`)
      return { nodes, ...result }
    }

    const hushRuns: Record<string, Awaited<ReturnType<typeof matchingOn>>> = {}
    for (const count of options.connectionsOnly ? [] : options.nodeCounts) {
      hushRuns[`${count}-node${count > 1 ? 's' : ''}`] = await matchingOn(
        hush,
        count,
        redisCost(redis, hushRoundTripCommands),
      )
    }
    const baselines = !options.connectionsOnly && !options.hushOnly
    const naiveRun = baselines ? await matchingOn(naive, 2, redisCost(redis, 'all')) : undefined
    const memoryRun = baselines ? await matchingOn(inMemory, 1) : undefined
    await redis.client.flushall()
    const connections =
      options.clusterConnections > 0
        ? await holdConnections(hush, redis, options.clusterConnections, options.workers)
        : null
    process.stderr.write(`bench: connections across 3 nodes done ${JSON.stringify(connections)}\n`)

    const twoNodes = hushRuns['2-nodes']
    const rate = (run: { sustained: { matchesPerSecond: number } } | undefined) => run?.sustained.matchesPerSecond ?? 0
    const comparison = {
      hush2NodesVsNaiveMatchesPerSecond: round(rate(twoNodes) / Math.max(1, rate(naiveRun))),
      hush2NodesVsInMemoryBaselineMatchesPerSecond: round(rate(twoNodes) / Math.max(1, rate(memoryRun))),
    }
    const p99s = Object.values(hushRuns).flatMap((run) => [
      run.burst.searchToMatchedMs.p99,
      run.sustained.searchToMatchedMs.p99,
    ])
    return {
      benchmark: 'signaling --redis',
      date: new Date().toISOString(),
      machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
      setup: {
        redis: 'one local redis-server 7 (--save "" --appendonly no), same machine as nodes and load',
        workers: options.workers,
        searchers: options.searchers,
        thinkMs: options.thinkMs,
        signalsPerMatch: '3 each way (offer|answer ~1 KB + 2 candidates)',
        hushRateLimitsLifted: true,
        naive: '2 plain Socket.IO nodes, Redis adapter, Redis list queue + hash of pairs, one round trip per operation',
        inMemoryBaseline: 'plain Socket.IO on 1 node, array FIFO (the bench:signaling baseline)',
      },
      hush: hushRuns,
      naive: naiveRun,
      inMemoryBaseline: memoryRun,
      connections,
      comparison,
      targets: {
        'connections held across 3 nodes ≥ 50,000 with totals right':
          connections !== null && connections.connections >= 50_000 && connections.totalsRight,
        'hush 2 nodes matches/s ≥ 3× naive baseline': comparison.hush2NodesVsNaiveMatchesPerSecond >= 3,
        'hush 2 nodes matches/s ≥ 1× in-memory baseline': comparison.hush2NodesVsInMemoryBaselineMatchesPerSecond >= 1,
        'p99 search→matched ≤ 100 ms (every hush run, burst and sustained)': p99s.every((p99) => p99 <= 100),
      },
    }
  } finally {
    await redis.stop()
  }
}
