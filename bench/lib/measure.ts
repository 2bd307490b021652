// The measurements bench:signaling runs against one or several server processes: held connections
// and the search → match → 3+3 signals → skip cycle. Shared by the in-memory and the Redis runs.
import { setTimeout as sleep } from 'node:timers/promises'
import { forkServer, forkWorker, type ForkedServer, type LoadWorker } from './processes.ts'
import type { ServerStats } from './server-ipc.ts'
import { round, summarize } from './stats.ts'

export interface Target {
  name: string
  script: string
  env: Record<string, string>
}

let hostCounter = 0
/** A fresh loopback address per server and per worker: each gets its own ephemeral port range. */
export const nextHost = () => `127.0.${10 + Math.floor(hostCounter / 200)}.${(hostCounter++ % 200) + 1}`

export interface Node {
  server: ForkedServer
  url: string
}

export async function withServers<T>(
  target: Target,
  count: number,
  run: (nodes: Node[]) => Promise<T>,
  extraEnv: Record<string, string> = {},
): Promise<T> {
  const nodes: Node[] = []
  try {
    for (let i = 0; i < count; i++) {
      const host = nextHost()
      const server = await forkServer(target.script, { ...target.env, ...extraEnv, HOST: host, PORT: '0' })
      nodes.push({ server, url: `http://${host}:${server.port}` })
    }
    return await run(nodes)
  } finally {
    await Promise.all(nodes.map((node) => node.server.stop()))
  }
}

export async function withWorkers<T>(count: number, run: (workers: LoadWorker[]) => Promise<T>): Promise<T> {
  const workers = Array.from({ length: count }, forkWorker)
  try {
    return await run(workers)
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()))
  }
}

/** Connects `count` more clients, shared between the workers, each spreading its own over the nodes. */
export async function connectSpread(workers: LoadWorker[], urls: string[], count: number) {
  const share = Math.ceil(count / workers.length)
  // Binding a source address limits it to ~5k connections here (bind-time port choice): a fresh one per 4,000.
  const replies = await Promise.all(
    workers.map((worker, i) => {
      const own = Math.max(0, Math.min(share, count - i * share))
      return worker.send<{ connected: number; failed: number }>({
        cmd: 'connect',
        urls,
        count: own,
        localAddresses: Array.from({ length: Math.max(1, Math.ceil(own / 4000)) }, nextHost),
      })
    }),
  )
  // Each worker answers with the total it holds.
  return { connected: replies.reduce((n, r) => n + r.connected, 0), failed: replies.reduce((n, r) => n + r.failed, 0) }
}

export const cpuMicros = (stats: ServerStats) => stats.cpuUserMicros + stats.cpuSystemMicros

const allStats = (nodes: Node[]) => Promise.all(nodes.map((node) => node.server.stats()))
const cpuSum = (stats: ServerStats[]) => stats.reduce((sum, s) => sum + cpuMicros(s), 0)

/** A burst that has not settled by then never will: the server lost some waiters. */
const burstTimeoutMs = 20_000

export interface MatchingHooks {
  /** Called once the searchers are connected, before the burst (e.g. to set what they search for). */
  prepare?(workers: LoadWorker[]): Promise<void>
  /** Called around the sustained loop, e.g. to read Redis statistics. */
  beforeLoop?(): Promise<void>
  afterLoop?(matches: number, seconds: number): Promise<Record<string, unknown>>
}

/** Burst of `searchers` at once, then a sustained cycle for `loopMs`; every node's CPU summed. */
export async function measureMatching(
  nodes: Node[],
  workers: LoadWorker[],
  searchers: number,
  loopMs: number,
  hooks: MatchingHooks = {},
  thinkMs = 0,
) {
  const { connected } = await connectSpread(
    workers,
    nodes.map((node) => node.url),
    searchers,
  )
  await hooks.prepare?.(workers)
  type Result = { latenciesMs: number[]; matches: number; unsettled?: number; fallbackLatenciesMs?: number[] }
  const merge = (results: Result[]) => ({
    latencies: results.flatMap((r) => r.latenciesMs),
    fallbacks: results.flatMap((r) => r.fallbackLatenciesMs ?? []),
    matches: results.reduce((n, r) => n + r.matches, 0),
    unsettled: results.reduce((n, r) => n + (r.unsettled ?? 0), 0),
  })
  const burstStart = performance.now()
  const burst = merge(
    await Promise.all(workers.map((w) => w.send<Result>({ cmd: 'burst', timeoutMs: burstTimeoutMs }))),
  )
  const burstSeconds = (performance.now() - burstStart) / 1000
  await Promise.all(workers.map((w) => w.send({ cmd: 'leave' })))
  await hooks.beforeLoop?.()
  const loadCpu = () =>
    Promise.all(workers.map((w) => w.send<{ cpuMicros: number }>({ cmd: 'cpu' }))).then((replies) =>
      replies.reduce((sum, r) => sum + r.cpuMicros, 0),
    )
  const loadCpuBefore = await loadCpu()
  const statsBefore = await allStats(nodes)
  const cpuBefore = cpuSum(statsBefore)
  const systemBefore = statsBefore.reduce((sum, s) => sum + s.cpuSystemMicros, 0)
  const loopStart = performance.now()
  const loop = merge(
    await Promise.all(workers.map((w) => w.send<Result>({ cmd: 'loop', durationMs: loopMs, thinkMs }))),
  )
  const statsAfter = await allStats(nodes)
  const loadCpuMicros = (await loadCpu()) - loadCpuBefore
  const cpuAfter = cpuSum(statsAfter)
  const systemMicros = statsAfter.reduce((sum, s) => sum + s.cpuSystemMicros, 0) - systemBefore
  const extra = (await hooks.afterLoop?.(loop.matches, loopMs / 1000)) ?? {}
  const serverCpuMicros = cpuAfter - cpuBefore
  await Promise.all(workers.map((w) => w.send({ cmd: 'disconnect' })))
  return {
    searchers: connected,
    burst: {
      pairs: burst.matches,
      /** Clients not matched and signalled by the deadline (a server that lost them). */
      leftUnmatched: burst.unsettled,
      allMatchedAndSignalledSeconds: round(burstSeconds),
      searchToMatchedMs: summarize(burst.latencies),
      // Searches with interests paired at random: search → matched, the wait included.
      ...(burst.fallbacks.length > 0 ? { fallbackSearchToMatchedMs: summarize(burst.fallbacks) } : {}),
    },
    sustained: {
      seconds: loopMs / 1000,
      matches: loop.matches,
      matchesPerSecond: round(loop.matches / (loopMs / 1000)),
      serverCpuPercentOfCore: round((serverCpuMicros / 1000 / (performance.now() - loopStart)) * 100),
      // Less sensitive to other load on the machine than matches per second.
      serverCpuMicrosPerMatch: round(serverCpuMicros / Math.max(1, loop.matches), 1),
      // Kernel time (on loopback mostly TCP sends, which also run the receiver's side) vs user space.
      serverKernelShare: round(systemMicros / Math.max(1, serverCpuMicros)),
      // The load processes share this 2-core machine with the server: what they take caps any server.
      loadCpuPercentOfCore: round((loadCpuMicros / 1000 / (performance.now() - loopStart)) * 100),
      loadCpuMicrosPerMatch: round(loadCpuMicros / Math.max(1, loop.matches), 1),
      searchToMatchedMs: summarize(loop.latencies),
      ...(loop.fallbacks.length > 0 ? { fallbackSearchToMatchedMs: summarize(loop.fallbacks) } : {}),
      ...extra,
    },
  }
}

/** Idle connections held in steps: RSS and heap per connection, then idle CPU (one node). */
export async function measureConnections(
  node: Node,
  workers: LoadWorker[],
  connectionSteps: number[],
  idleCpuWindowMs: number,
  settleMs = 20_000,
) {
  const empty = await node.server.stats()
  const steps = []
  let held = 0
  let previous = { stats: empty, held: 0 }
  for (const step of connectionSteps) {
    const started = performance.now()
    const result = await connectSpread(workers, [node.url], step - held)
    held = result.connected
    await sleep(2000) // let the handshakes' garbage become collectable before the GC'd reading
    const stats = await node.server.stats()
    steps.push({
      connections: held,
      failed: result.failed,
      connectSeconds: round((performance.now() - started) / 1000),
      rssMiB: round(stats.rss / 2 ** 20),
      rssPerConnectionKB: round((stats.rss - empty.rss) / held / 1000),
      heapPerConnectionKB: round((stats.heapUsed - empty.heapUsed) / held / 1000),
      // Committed V8 heap (used + free space V8 keeps): what the heap adds to RSS.
      heapTotalPerConnectionKB: round((stats.heapTotal - empty.heapTotal) / held / 1000),
      // RSS added by this step's connections alone: free of the empty server's startup leftovers.
      marginalRssPerConnectionKB: round((stats.rss - previous.stats.rss) / (held - previous.held) / 1000),
    })
    previous = { stats, held }
  }
  const before = await node.server.stats()
  const windowStart = performance.now()
  await sleep(idleCpuWindowMs)
  const after = await node.server.stats()
  const idleCpuPercentOfCore = round(
    ((cpuMicros(after) - cpuMicros(before)) / 1000 / (performance.now() - windowStart)) * 100,
  )
  // The same connections after a longer quiet spell: V8 hands back the young generation and the free
  // pages it grew during the ramp, so this is what a server holding them for long actually keeps.
  await sleep(settleMs)
  const rested = await node.server.stats()
  const settled = {
    afterSeconds: round((idleCpuWindowMs + settleMs) / 1000),
    connections: held,
    rssPerConnectionKB: round((rested.rss - empty.rss) / held / 1000),
    heapPerConnectionKB: round((rested.heapUsed - empty.heapUsed) / held / 1000),
    heapTotalPerConnectionKB: round((rested.heapTotal - empty.heapTotal) / held / 1000),
  }
  await Promise.all(workers.map((worker) => worker.send({ cmd: 'disconnect' })))
  return { steps, settled, idleCpuPercentOfCore, idleWindowSeconds: idleCpuWindowMs / 1000 }
}
