// Helpers for the self-hosting tests: the deploy/ files with placeholders swapped, real proxies, clients.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect as tcpConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { io as connect } from 'socket.io-client'
import type { Welcome } from '#protocol'
import { afterAll, beforeAll } from 'vitest'
import { closeAll, nextEvent, type Client } from './signaling.ts'
import { until } from './timing.ts'

export const repoFile = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')

/** Fails with a clear message (never skips) when a binary the suite needs is missing; .ci/run installs them. */
export function requireBinary(name: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' })
  const path = found.stdout.trim()
  if (found.status !== 0 || path === '') {
    throw new Error(`${name} is not installed: run .ci/run (it installs it) or apt-get install it`)
  }
  return path
}

/** Swaps each placeholder for its test value; a placeholder that is gone fails loudly, so edits are noticed. */
export function substitute(text: string, replacements: ReadonlyArray<readonly [string, string]>): string {
  return replacements.reduce((result, [from, to]) => {
    if (!result.includes(from)) throw new Error(`placeholder not found in the deploy file: ${from}`)
    return result.split(from).join(to)
  }, text)
}

export interface Workspace {
  dir: string
  certPath: string
  keyPath: string
  certPem: string
  staticDir: string
  remove(): void
}

/** A temp dir with a self-signed certificate for 127.0.0.1 and a stand-in for the built app. */
/**
 * The test file's workspace (a certificate, a copy of the app), made before its tests and removed after
 * them, with the clients and servers they started: the object is filled in by the time tests run.
 */
export function useWorkspace(): Workspace {
  const workspace = {} as Workspace
  beforeAll(() => {
    Object.assign(workspace, makeWorkspace())
  })
  afterAll(async () => {
    closeClients()
    await closeAll()
    workspace.remove()
  })
  return workspace
}

export function makeWorkspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'hush-hosting-'))
  // Readable by the unprivileged workers of nginx when the suite runs as root.
  chmodSync(dir, 0o755)
  const certPath = join(dir, 'cert.pem')
  const keyPath = join(dir, 'key.pem')
  const openssl = spawnSync(
    requireBinary('openssl'),
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { encoding: 'utf8' },
  )
  if (openssl.status !== 0) throw new Error(`openssl failed: ${openssl.stderr}`)
  chmodSync(keyPath, 0o644)
  const staticDir = join(dir, 'dist')
  mkdirSync(join(staticDir, 'assets'), { recursive: true, mode: 0o755 })
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Hush</title><p id="marker">hush-static-app</p>')
  writeFileSync(join(staticDir, 'assets', 'index-abc123.js'), 'console.log("hush")')
  return {
    dir,
    certPath,
    keyPath,
    certPem: readFileSync(certPath, 'utf8'),
    staticDir,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

export interface Child {
  process: ChildProcess
  output(): string
  stop(): Promise<void>
}

/** Spawns a foreground server; resolves once `ready(output)` holds or the port accepts connections. */
export async function startChild(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; port?: number; ready?: RegExp },
): Promise<Child> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`${command} exited (${code ?? signal}) before it was ready:\n${output}`)),
    ),
  )
  exited.catch(() => undefined)
  const seen = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (options.ready?.test(output)) resolve()
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
  })
  const ready = options.ready ? seen : waitForPort(options.port ?? 0)
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${command} not ready within 10 s:\n${output}`)), 10_000)
  })
  try {
    await Promise.race([ready, exited, timeout])
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  } finally {
    clearTimeout(timer)
  }
  return {
    process: child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/** Resolves when 127.0.0.1:port accepts a TCP connection (each try one connection attempt). */
export async function waitForPort(port: number): Promise<void> {
  await until(
    () =>
      new Promise<boolean>((accepted) => {
        const socket = tcpConnect(port, '127.0.0.1')
        const settle = (ok: boolean) => {
          socket.destroy()
          accepted(ok)
        }
        socket.once('connect', () => settle(true))
        socket.once('error', () => settle(false))
      }),
  )
}

export interface ViaOptions {
  ca: string
  origin?: string
  /** Source address on loopback (127.0.0.x): a distinct "client IP" as the proxy sees it. */
  localAddress?: string
  headers?: Record<string, string>
}

const opened: Client[] = []

function open(url: string, options: ViaOptions): Client {
  const socket: Client = connect(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ca: options.ca,
    extraHeaders: { ...(options.origin ? { origin: options.origin } : {}), ...options.headers },
    ...({ localAddress: options.localAddress } as object),
  })
  opened.push(socket)
  return socket
}

/** A socket.io client over wss:// through a proxy; resolves with its welcome. */
export async function connectVia(url: string, options: ViaOptions): Promise<Client & { welcome: Welcome }> {
  const socket = open(url, options)
  const refused = new Promise<never>((_, reject) =>
    socket.once('connect_error', (error) => reject(new Error(`connect_error: ${error.message}`))),
  )
  const welcome = await Promise.race([nextEvent(socket, 'session:welcome'), refused])
  return Object.assign(socket, { welcome })
}

/** The connect_error message a refused client gets (rejects if it is let in). */
export function refusalVia(url: string, options: ViaOptions): Promise<string> {
  const socket = open(url, options)
  return new Promise((resolve, reject) => {
    socket.once('connect_error', (error) => resolve(error.message))
    socket.once('session:welcome', () => reject(new Error('the client was let in')))
  })
}

export function closeClients(): void {
  for (const socket of opened.splice(0)) socket.disconnect()
}
