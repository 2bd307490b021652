// bench:relay — relay:frame through Hush against the same binary relay in a plain Socket.IO server
// (bench/baseline/server.ts), in one run: N pairs keep a window of frames in flight, each side
// sending back every frame it gets (ping-pong through the server), for 200-byte and 4 KB frames.
// Reports relayed frames per second and server CPU per relayed frame. Prints one JSON document.
// Loopback only; every phase is bounded in count and time.
import { cpus } from 'node:os'
import { hushEnv } from './lib/cluster-bench.ts'
import { connectSpread, cpuMicros, withServers, withWorkers, type Node, type Target } from './lib/measure.ts'
import type { LoadWorker } from './lib/processes.ts'
import { round } from './lib/stats.ts'

const args = new Map(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]))
const pairs = Number(args.get('pairs') ?? 200)
const window = Number(args.get('window') ?? 4)
const seconds = Number(args.get('seconds') ?? 8)
const frameSizes = (args.get('sizes') ?? '200,4096').split(',').map(Number)
const workersCount = Number(args.get('workers') ?? 2)

// The load does far more than two people typing: the relay's per-socket limits are lifted, as the
// signaling bench lifts the others, so the run measures the relay path itself.
const relayEnv = {
  ...hushEnv,
  RELAY_RATE_BURST: '1000000',
  RELAY_RATE_PER_S: '1000000',
  RELAY_BYTES_PER_S: '1000000000',
}
const allTargets: Target[] = [
  { name: 'hush', script: 'bench/lib/hush-server.ts', env: relayEnv },
  { name: 'baseline', script: 'bench/baseline/server.ts', env: {} },
]
const only = args.get('only')
const targets = only ? allTargets.filter((target) => target.name === only) : allTargets

const sum = (replies: number[]) => replies.reduce((total, n) => total + n, 0)

async function echoRound(node: Node, workers: LoadWorker[], frameBytes: number) {
  const loadCpu = async () =>
    sum((await Promise.all(workers.map((w) => w.send<{ cpuMicros: number }>({ cmd: 'cpu' })))).map((r) => r.cpuMicros))
  const [before, loadBefore] = [await node.server.stats(), await loadCpu()]
  const started = performance.now()
  const replies = await Promise.all(
    workers.map((w) => w.send<{ frames: number }>({ cmd: 'echo', durationMs: seconds * 1000, frameBytes, window })),
  )
  const elapsedMs = performance.now() - started
  const [after, loadAfter] = [await node.server.stats(), await loadCpu()]
  const frames = sum(replies.map((r) => r.frames))
  const serverCpuMicros = cpuMicros(after) - cpuMicros(before)
  return {
    frameBytes,
    framesRelayed: frames,
    framesPerSecond: round(frames / (elapsedMs / 1000)),
    serverCpuPercentOfCore: round((serverCpuMicros / 1000 / elapsedMs) * 100),
    serverCpuMicrosPerFrame: round(serverCpuMicros / Math.max(1, frames), 2),
    serverKernelShare: round((after.cpuSystemMicros - before.cpuSystemMicros) / Math.max(1, serverCpuMicros)),
    // The load processes share the machine with the server: what they take caps any server.
    loadCpuPercentOfCore: round(((loadAfter - loadBefore) / 1000 / elapsedMs) * 100),
  }
}

const runTarget = (target: Target) =>
  withServers(target, 1, ([node]) =>
    withWorkers(workersCount, async (workers) => {
      const { connected } = await connectSpread(workers, [node!.url], pairs * 2)
      const paired = sum(
        (await Promise.all(workers.map((w) => w.send<{ paired: number }>({ cmd: 'pair', timeoutMs: 20_000 })))).map(
          (r) => r.paired,
        ),
      )
      const rounds = []
      for (const size of frameSizes) rounds.push(await echoRound(node!, workers, size))
      await Promise.all(workers.map((w) => w.send({ cmd: 'disconnect' })))
      return { clients: connected, paired, rounds }
    }),
  )

const report: Record<string, unknown> = {
  benchmark: 'relay',
  date: new Date().toISOString(),
  machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
  setup: {
    pairs,
    framesInFlightPerPair: window,
    secondsPerSize: seconds,
    workers: workersCount,
    hushRateLimitsLifted: true,
    baseline: 'plain Socket.IO, default options: the same binary relay:frame to the partner, no checks or limits',
  },
}
for (const target of targets) {
  report[target.name] = await runTarget(target)
  process.stderr.write(`bench: ${target.name} done\n`)
}
type TargetReport = Awaited<ReturnType<typeof runTarget>>
const [hush, base] = [report.hush as TargetReport | undefined, report.baseline as TargetReport | undefined]
if (hush && base) {
  const ratios = hush.rounds.map((round_, i) => {
    const other = base.rounds[i]!
    return {
      frameBytes: round_.frameBytes,
      cpuPerFrameRatio: round(round_.serverCpuMicrosPerFrame / other.serverCpuMicrosPerFrame),
      framesPerSecondRatio: round(round_.framesPerSecond / other.framesPerSecond),
    }
  })
  report.comparison = ratios
  report.targets = Object.fromEntries(
    ratios.map((ratio) => [
      `server CPU per frame ≤ 1.2× baseline (${ratio.frameBytes} B)`,
      ratio.cpuPerFrameRatio <= 1.2,
    ]),
  )
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
process.exit(0)
