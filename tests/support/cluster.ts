// Real signaling server processes (signaling/main.ts): with REDIS_URL for cluster tests, in memory
// (null) for outage tests; killed with SIGKILL or stopped with SIGTERM, by pid, by the test that started them.
import { spawn, type ChildProcess } from 'node:child_process'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { startRedis, type TestRedis } from './redis.ts'
import { closeAll } from './signaling.ts'

export interface NodeProcess {
  url: string
  pid: number
  /** True while the process runs; a crash makes it false. */
  alive(): boolean
  /** The exit code once it has exited (null while running or when killed by a signal). */
  exitCode(): number | null
  kill9(): Promise<void>
  stop(): Promise<void>
}

const running = new Set<NodeProcess>()

export async function startNode(redisUrl: string | null, env: Record<string, string> = {}): Promise<NodeProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      LOG_LEVEL: 'info',
      STATIC_DIR: '/nonexistent',
      MAX_CONN_PER_IP: '0',
      CONNECT_RATE_PER_MIN: '0',
      STUN_PORT: '0',
      POW: 'off',
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const match = /"port":(\d+)/.exec(out)
      if (!match) return
      child.stdout?.off('data', onData)
      child.stdout?.resume() // keep draining the logs
      resolve(Number(match[1]))
    }
    child.stdout?.on('data', onData)
    child.once('exit', (code) => reject(new Error(`node exited early (${code}): ${out}`)))
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const signal = async (name: NodeJS.Signals) => {
    running.delete(node)
    if (child.exitCode === null && child.signalCode === null) child.kill(name)
    await exited
  }
  const node: NodeProcess = {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    alive: () => child.exitCode === null && child.signalCode === null,
    exitCode: () => child.exitCode,
    kill9: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
  }
  running.add(node)
  return node
}

export const startNodes = (redisUrl: string, count: number, env: Record<string, string> = {}) =>
  Promise.all(Array.from({ length: count }, () => startNode(redisUrl, env)))

export async function stopAllNodes(): Promise<void> {
  await Promise.all([...running].map((node) => node.stop()))
}

/**
 * One real redis-server for a test file's nodes: started before its tests, emptied (and its nodes and
 * clients stopped) after each, stopped at the end. The object is filled in by the time tests run.
 */
export function useClusterRedis(): TestRedis {
  const redis = {} as TestRedis
  beforeAll(async () => {
    Object.assign(redis, await startRedis())
  })
  afterEach(async () => {
    await closeAll()
    await stopAllNodes()
    if (!redis.running()) await redis.start() // a test that failed while Redis was down
    await redis.client.flushall()
  })
  afterAll(() => redis.stop())
  return redis
}
