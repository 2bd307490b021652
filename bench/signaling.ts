// bench:signaling — Hush's signaling server against a plain Socket.IO baseline, in one run.
// (a) idle connections: RSS and heap per connection at 5k, 10k, 19.5k, and idle CPU at the top;
// (b) 2,000 clients searching at once: search→matched p50/p99, then a sustained cycle of
//     search → match → 3 relayed signals each way → skip, reporting matches per second.
// Prints one JSON document. Loopback only; every phase is bounded in count and time.
// --redis runs the scale-out benchmark instead (bench/lib/cluster-bench.ts): Hush on 1, 2 and 3
// nodes over one redis-server, 50,000 connections across 3 nodes, and a naive Redis baseline
// (--only=hush skips the baselines, --cluster-connections=0 the connections phase, --think-ms=N
// pauses each client 0…N ms before searching again, so that more pairs span two nodes).
// --interests runs matching by interests against random-only matching instead (bench/lib/interests-bench.ts;
// --waits-ms=5000,1000 the INTEREST_WAIT_MS values, --waiting=N searchers for the memory reading, --redis on Redis).
import { cpus } from 'node:os'
import { hushEnv, runClusterBench } from './lib/cluster-bench.ts'
import { runInterestsBench } from './lib/interests-bench.ts'
import { measureConnections, measureMatching, withServers, withWorkers, type Target } from './lib/measure.ts'
import { round } from './lib/stats.ts'

const args = new Map(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]))
const connectionSteps = (args.get('connections') ?? '5000,10000,19500').split(',').map(Number)
const searchers = Number(args.get('searchers') ?? 2000)
const loopMs = Number(args.get('loop-ms') ?? 10_000)
const idleCpuWindowMs = Number(args.get('idle-ms') ?? 10_000)
/** Then how long the held connections rest before the settled memory reading. */
const settleMs = Number(args.get('settle-ms') ?? 20_000)
const workersCount = Number(args.get('workers') ?? 4)
/** Idle connections only (memory and idle CPU): no matching phases, no comparison. */
const connectionsOnly = args.has('connections-only')

if (args.has('interests')) {
  const report = await runInterestsBench({
    searchers,
    loopMs,
    workers: workersCount,
    waitsMs: (args.get('waits-ms') ?? '5000,1000').split(',').map(Number),
    redis: args.has('redis'),
    waiting: Number(args.get('waiting') ?? 5000),
  })
  process.stdout.write(
    `${JSON.stringify({ benchmark: 'signaling-interests', date: new Date().toISOString(), machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version }, ...report }, null, 2)}\n`,
  )
  process.exit(0)
}

if (args.has('redis')) {
  const report = await runClusterBench({
    searchers,
    loopMs,
    workers: workersCount,
    nodeCounts: (args.get('nodes') ?? '1,2,3').split(',').map(Number),
    clusterConnections: Number(args.get('cluster-connections') ?? 50_000),
    connectionsOnly: args.has('connections-only'),
    hushOnly: args.get('only') === 'hush',
    thinkMs: Number(args.get('think-ms') ?? 0),
  })
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  process.exit(0)
}

const allTargets: Target[] = [
  { name: 'hush', script: 'bench/lib/hush-server.ts', env: hushEnv },
  { name: 'baseline', script: 'bench/baseline/server.ts', env: {} },
]
const only = args.get('only')
const targets = only ? allTargets.filter((t) => t.name === only) : allTargets

const connectionsOf = (target: Target) =>
  withServers(target, 1, ([node]) =>
    withWorkers(workersCount, (workers) =>
      measureConnections(node!, workers, connectionSteps, idleCpuWindowMs, settleMs),
    ),
  )

const matchingOf = (target: Target) =>
  withServers(target, 1, (nodes) =>
    withWorkers(workersCount, (workers) => measureMatching(nodes, workers, searchers, loopMs)),
  )

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
  const connections = await connectionsOf(target)
  const matching = connectionsOnly ? null : await matchingOf(target)
  report[target.name] = { connections, matching }
  process.stderr.write(`bench: ${target.name} done\n`)
}
if (targets.length < allTargets.length || connectionsOnly) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  process.exit(0)
}
type TargetReport = {
  connections: Awaited<ReturnType<typeof connectionsOf>>
  matching: Awaited<ReturnType<typeof matchingOf>>
}
const hush = report.hush as TargetReport
const base = report.baseline as TargetReport
const top = (r: TargetReport) => r.connections.steps[r.connections.steps.length - 1]
report.comparison = {
  matchesPerSecondRatio: round(hush.matching.sustained.matchesPerSecond / base.matching.sustained.matchesPerSecond),
  burstP99Ratio: round(hush.matching.burst.searchToMatchedMs.p99 / base.matching.burst.searchToMatchedMs.p99),
  sustainedP99Ratio: round(
    hush.matching.sustained.searchToMatchedMs.p99 / base.matching.sustained.searchToMatchedMs.p99,
  ),
  rssPerConnectionKB: {
    justAfterRamp: { hush: top(hush)?.rssPerConnectionKB, baseline: top(base)?.rssPerConnectionKB },
    settled: {
      hush: hush.connections.settled.rssPerConnectionKB,
      baseline: base.connections.settled.rssPerConnectionKB,
    },
  },
}
report.targets = {
  'connections held ≥ 19,500': (top(hush)?.connections ?? 0) >= 19_500,
  // Judged on the held connections once settled; the figure right after the ramp is reported beside it.
  'RSS per connection ≤ 10 KB (settled)': hush.connections.settled.rssPerConnectionKB <= 10,
  'RSS per connection ≤ 10 KB (right after the ramp)': (top(hush)?.rssPerConnectionKB ?? Infinity) <= 10,
  'matches/s ≥ 1.5× baseline': (report.comparison as { matchesPerSecondRatio: number }).matchesPerSecondRatio >= 1.5,
  'p99 search→matched ≤ 0.5× baseline (burst)': (report.comparison as { burstP99Ratio: number }).burstP99Ratio <= 0.5,
  'idle CPU ≤ 5 % of a core': hush.connections.idleCpuPercentOfCore <= 5,
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
