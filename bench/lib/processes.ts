// Forking and talking to bench processes (servers and load workers) over IPC.
import { fork, type ChildProcess } from 'node:child_process'
import type { ServerStats } from './server-ipc.ts'
import type { WorkerCommand, WorkerReply } from './client-worker.ts'

const tsxArgs = ['--import', 'tsx']

export interface ForkedServer {
  port: number
  stats(): Promise<ServerStats>
  stop(): Promise<void>
}

export async function forkServer(script: string, env: Record<string, string>): Promise<ForkedServer> {
  const child = fork(script, [], {
    execArgv: [
      ...tsxArgs,
      '--expose-gc',
      ...(process.env.BENCH_SERVER_FLAGS ? process.env.BENCH_SERVER_FLAGS.split(' ') : []),
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/hush-prof'] : []),
    ],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { ready?: number }) =>
      message.ready ? resolve(message.ready) : reject(new Error('bad ready')),
    )
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)))
  })
  return {
    port,
    stats: () => ask<{ stats: ServerStats }>(child, { cmd: 'stats' }).then((reply) => reply.stats),
    stop: () => stopChild(child),
  }
}

export interface LoadWorker {
  send<T extends WorkerReply>(command: WorkerCommand): Promise<T>
  stop(): Promise<void>
}

export function forkWorker(): LoadWorker {
  const child = fork(new URL('./client-worker.ts', import.meta.url).pathname, [], {
    execArgv: tsxArgs,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  return {
    send: (command) => ask(child, command),
    stop: () => stopChild(child),
  }
}

function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = () => reject(new Error('process exited'))
    child.once('exit', onExit)
    child.once('message', (reply: T) => {
      child.off('exit', onExit)
      resolve(reply)
    })
    child.send(message as never)
  })
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(force)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
