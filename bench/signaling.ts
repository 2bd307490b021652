// bench:signaling — Hush's signaling server against a plain Socket.IO baseline, in one run.
// (a) idle connections: RSS and heap per connection at 5k, 10k, 19.5k, and idle CPU at the top;
// (b) 2,000 clients searching at once: search→matched p50/p99, then a sustained cycle of
//     search → match → 3 relayed signals each way → skip, reporting matches per second.
// Prints one JSON document. Loopback only; every phase is bounded in count and time.
import { cpus } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { forkServer, forkWorker, type ForkedServer, type LoadWorker } from './lib/processes.ts'
import { round, summarize } from './lib/stats.ts'

const args = new Map(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]))
const connectionSteps = (args.get('connections') ?? '5000,10000,19500').split(',').map(Number)
const searchers = Number(args.get('searchers') ?? 2000)
const loopMs = Number(args.get('loop-ms') ?? 10_000)
const idleCpuWindowMs = Number(args.get('idle-ms') ?? 10_000)
const workersCount = Number(args.get('workers') ?? 4)

// Load clients do far more than a human; lift the per-socket buckets so the bench measures throughput.
const hushEnv = {
  LOG_LEVEL: 'warn',
  MAX_CONN_PER_IP: '0',
  CONNECT_RATE_PER_MIN: '0',
  STATIC_DIR: '/nonexistent',
  MATCH_RATE_BURST: '1000000',
  MATCH_RATE_PER_S: '1000000',
  SIGNAL_RATE_BURST: '1000000',
  SIGNAL_RATE_PER_S: '1000000',
}

interface Target {
  name: string
  script: string
  env: Record<string, string>
}

const allTargets: Target[] = [
  { name: 'hush', script: 'bench/lib/hush-server.ts', env: hushEnv },
  { name: 'baseline', script: 'bench/baseline/server.ts', env: {} },
]
const only = args.get('only')
const targets = only ? allTargets.filter((t) => t.name === only) : allTargets

let hostCounter = 0
const nextHost = () => `127.0.${10 + Math.floor(hostCounter / 200)}.${(hostCounter++ % 200) + 1}`

async function withServer<T>(target: Target, run: (server: ForkedServer, url: string) => Promise<T>): Promise<T> {
  const host = nextHost()
  const server = await forkServer(target.script, { ...target.env, HOST: host, PORT: '0' })
  try {
    return await run(server, `http://${host}:${server.port}`)
  } finally {
    await server.stop()
  }
}

async function withWorkers<T>(run: (workers: LoadWorker[]) => Promise<T>): Promise<T> {
  const workers = Array.from({ length: workersCount }, forkWorker)
  try {
    return await run(workers)
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()))
  }
}

async function connectSpread(workers: LoadWorker[], url: string, count: number) {
  const share = Math.ceil(count / workers.length)
  // Each worker keeps one source address for all its clients: 5k per address stays within the port range.
  const replies = await Promise.all(
    workers.map((worker, i) =>
      worker.send<{ connected: number; failed: number }>({
        cmd: 'connect',
        url,
        count: Math.max(0, Math.min(share, count - i * share)),
        localAddress: nextHost(),
      }),
    ),
  )
  // Each worker answers with the total it holds.
  return { connected: replies.reduce((n, r) => n + r.connected, 0), failed: replies.reduce((n, r) => n + r.failed, 0) }
}

async function measureConnections(target: Target) {
  return withServer(target, (server, url) =>
    withWorkers(async (workers) => {
      const empty = await server.stats()
      const steps = []
      let held = 0
      for (const step of connectionSteps) {
        const started = performance.now()
        const result = await connectSpread(workers, url, step - held)
        held = result.connected
        await sleep(2000) // let the handshakes' garbage become collectable before the GC'd reading
        const stats = await server.stats()
        steps.push({
          connections: held,
          failed: result.failed,
          connectSeconds: round((performance.now() - started) / 1000),
          rssMiB: round(stats.rss / 2 ** 20),
          rssPerConnectionKB: round((stats.rss - empty.rss) / held / 1000),
          heapPerConnectionKB: round((stats.heapUsed - empty.heapUsed) / held / 1000),
        })
      }
      const before = await server.stats()
      const windowStart = performance.now()
      await sleep(idleCpuWindowMs)
      const after = await server.stats()
      const cpuMicros = after.cpuUserMicros + after.cpuSystemMicros - before.cpuUserMicros - before.cpuSystemMicros
      const idleCpuPercentOfCore = round((cpuMicros / 1000 / (performance.now() - windowStart)) * 100)
      await Promise.all(workers.map((worker) => worker.send({ cmd: 'disconnect' })))
      return { steps, idleCpuPercentOfCore, idleWindowSeconds: idleCpuWindowMs / 1000 }
    }),
  )
}

async function measureMatching(target: Target) {
  return withServer(target, (server, url) =>
    withWorkers(async (workers) => {
      const { connected } = await connectSpread(workers, url, searchers)
      type Result = { latenciesMs: number[]; matches: number }
      const merge = (results: Result[]) => ({
        latencies: results.flatMap((r) => r.latenciesMs),
        matches: results.reduce((n, r) => n + r.matches, 0),
      })
      const burstStart = performance.now()
      const burst = merge(await Promise.all(workers.map((w) => w.send<Result>({ cmd: 'burst' }))))
      const burstSeconds = (performance.now() - burstStart) / 1000
      await Promise.all(workers.map((w) => w.send({ cmd: 'leave' })))
      const cpuBefore = await server.stats()
      const loopStart = performance.now()
      const loop = merge(await Promise.all(workers.map((w) => w.send<Result>({ cmd: 'loop', durationMs: loopMs }))))
      const cpuAfter = await server.stats()
      const serverCpuMicros =
        cpuAfter.cpuUserMicros + cpuAfter.cpuSystemMicros - cpuBefore.cpuUserMicros - cpuBefore.cpuSystemMicros
      const serverCpuPercentOfCore = round((serverCpuMicros / 1000 / (performance.now() - loopStart)) * 100)
      await Promise.all(workers.map((w) => w.send({ cmd: 'disconnect' })))
      return {
        searchers: connected,
        burst: {
          pairs: burst.matches,
          allMatchedAndSignalledSeconds: round(burstSeconds),
          searchToMatchedMs: summarize(burst.latencies),
        },
        sustained: {
          seconds: loopMs / 1000,
          matches: loop.matches,
          matchesPerSecond: round(loop.matches / (loopMs / 1000)),
          serverCpuPercentOfCore,
          // Less sensitive to other load on the machine than matches per second.
          serverCpuMicrosPerMatch: round(serverCpuMicros / Math.max(1, loop.matches), 1),
          searchToMatchedMs: summarize(loop.latencies),
        },
      }
    }),
  )
}

const report: Record<string, unknown> = {
  benchmark: 'signaling',
  date: new Date().toISOString(),
  machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
  setup: {
    workers: workersCount,
    signalsPerMatch: '3 each way (offer|answer ~1 KB + 2 candidates)',
    hushRateLimitsLifted: true,
    baseline: 'plain Socket.IO, default options, array FIFO, no validation/acks/limits',
  },
}
for (const target of targets) {
  const connections = await measureConnections(target)
  const matching = await measureMatching(target)
  report[target.name] = { connections, matching }
  process.stderr.write(`bench: ${target.name} done\n`)
}
if (targets.length < allTargets.length) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  process.exit(0)
}
const hush = report.hush as {
  connections: Awaited<ReturnType<typeof measureConnections>>
  matching: Awaited<ReturnType<typeof measureMatching>>
}
const base = report.baseline as typeof hush
const top = (r: typeof hush) => r.connections.steps[r.connections.steps.length - 1]
report.comparison = {
  matchesPerSecondRatio: round(hush.matching.sustained.matchesPerSecond / base.matching.sustained.matchesPerSecond),
  burstP99Ratio: round(hush.matching.burst.searchToMatchedMs.p99 / base.matching.burst.searchToMatchedMs.p99),
  sustainedP99Ratio: round(
    hush.matching.sustained.searchToMatchedMs.p99 / base.matching.sustained.searchToMatchedMs.p99,
  ),
  rssPerConnectionKB: { hush: top(hush)?.rssPerConnectionKB, baseline: top(base)?.rssPerConnectionKB },
}
report.targets = {
  'connections held ≥ 19,500': (top(hush)?.connections ?? 0) >= 19_500,
  'RSS per connection ≤ 10 KB': (top(hush)?.rssPerConnectionKB ?? Infinity) <= 10,
  'matches/s ≥ 1.5× baseline': (report.comparison as { matchesPerSecondRatio: number }).matchesPerSecondRatio >= 1.5,
  'p99 search→matched ≤ 0.5× baseline (burst)': (report.comparison as { burstP99Ratio: number }).burstP99Ratio <= 0.5,
  'idle CPU ≤ 5 % of a core': hush.connections.idleCpuPercentOfCore <= 5,
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
