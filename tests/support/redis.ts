// A real redis-server per test file, on a free loopback port, with no persistence; stoppable and
// restartable (same port, empty data: what a restart of a cache-only Redis looks like).
import { freePort } from './ports.ts'
import { spawn, type ChildProcess } from 'node:child_process'
import { Redis } from 'ioredis'

export interface TestRedis {
  port: number
  url: string
  /** A plain client for assertions (KEYS, FLUSHALL); closed with the server. */
  client: Redis
  /** SIGKILLs the server and resolves once it is gone. */
  kill(): Promise<void>
  /** False once killed (until started again). */
  running(): boolean
  /** Starts it again on the same port; resolves once it accepts connections. */
  start(): Promise<void>
  /** Freezes the server (SIGSTOP) or lets it go on (SIGCONT): an outage that keeps the data. */
  pause(): void
  resume(): void
  stop(): Promise<void>
}

// Resolves once the server logs that it accepts connections.
async function launchAndWait(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`))),
  )
  const ready = new Promise<void>((resolve) => {
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      if (output.length < 100_000) output += chunk.toString()
      if (output.includes('Ready to accept connections')) resolve()
    })
  })
  await Promise.race([ready, exited])
  child.stdout?.resume()
  return child
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort()
  let child: ChildProcess | null = await launchAndWait(port)
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: null })
  client.on('error', () => {}) // expected while the server is killed on purpose
  await client.connect()

  const kill = async () => {
    const current = child
    child = null
    if (!current || current.exitCode !== null) return
    await new Promise<void>((resolve) => {
      current.once('exit', () => resolve())
      current.kill('SIGKILL')
    })
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    client,
    kill,
    running: () => child !== null,
    async start() {
      child = await launchAndWait(port)
    },
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    async stop() {
      client.disconnect()
      await kill()
    },
  }
}
