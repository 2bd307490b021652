import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { connect as tcpConnect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { io as connect } from 'socket.io-client'
import {
  closeAll,
  connectClient,
  connectClients,
  nextEvent,
  pair,
  refusedFrom,
  request,
  startTestServer,
} from '../support/signaling.ts'
import { pause } from '../support/timing.ts'

const children: ChildProcess[] = []

afterEach(async () => {
  // A test that failed midway must not leave its server process running.
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  await closeAll()
})

function fakeDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hush-dist-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Hush</title>')
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)')
  return dir
}

describe('HTTP', () => {
  it('answers /healthz', async () => {
    const server = await startTestServer()
    const response = await fetch(`${server.url}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok' })
  })

  it('exposes Prometheus metrics that follow the traffic', async () => {
    const server = await startTestServer()
    const [a, b] = await connectClients(server, 2)
    await pair(a!, b!)
    const atB = nextEvent(b!, 'signal:relay')
    await request(a!, 'signal:relay', { type: 'offer', sdp: 'v=0' })
    await atB
    await request(a!, 'match:leave', { reason: 'bored' })
    const response = await fetch(`${server.url}/metrics`)
    expect(response.headers.get('content-type')).toContain('text/plain')
    const text = await response.text()
    expect(text).toMatch(/^hush_connections 2$/m)
    expect(text).toMatch(/^hush_chatting 2$/m)
    expect(text).toMatch(/^hush_searching 0$/m)
    expect(text).toMatch(/^hush_matches_total 1$/m)
    expect(text).toMatch(/^hush_relayed_signals_total 1$/m)
    expect(text).toMatch(/^hush_rejected_total\{code="bad-payload"\} 1$/m)
    expect(text).toMatch(/^hush_match_wait_seconds_count 1$/m)
  })

  it('observes one wait per pair: the time the waiting side spent in the queue', async () => {
    const server = await startTestServer()
    const [waiter, newcomer] = await connectClients(server, 2)
    await request(waiter!, 'match:find', {})
    await pause(300) // the wait being measured
    const found = nextEvent(waiter!, 'match:found')
    await request(newcomer!, 'match:find', {})
    await found
    const text = await (await fetch(`${server.url}/metrics`)).text()
    expect(text).toMatch(/^hush_match_wait_seconds_count 1$/m)
    expect(Number(/^hush_match_wait_seconds_sum (\S+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(0.29) // 300 ms by the test's timer; clocks may differ by a millisecond
    expect(text).toMatch(/^hush_match_wait_seconds_bucket\{le="0.25"\} 0$/m)
  })

  it('serves the app with security headers and caches hashed assets for a year', async () => {
    const server = await startTestServer({ STATIC_DIR: fakeDist() })
    const page = await fetch(`${server.url}/`)
    expect(page.status).toBe(200)
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("connect-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    expect(page.headers.get('cache-control')).toBe('no-cache')
    const asset = await fetch(`${server.url}/assets/index-abc123.js`)
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect((await fetch(`${server.url}/`, { method: 'POST' })).status).toBe(405)
  })

  it('refuses long-polling: WebSocket only', async () => {
    const server = await startTestServer()
    const polling = connect(server.url, { transports: ['polling'], forceNew: true, reconnection: false })
    await new Promise((resolve) => polling.once('connect_error', resolve))
    expect(polling.connected).toBe(false)
    polling.close()
  })
})

/** Runs signaling/main.ts as its own process; resolves once it listens. */
async function startServerProcess(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], {
    env: { ...process.env, PORT: '0', STUN_PORT: '0', LOG_LEVEL: 'info', STATIC_DIR: '/nonexistent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /"port":(\d+)/.exec(out)
      if (match) resolve(Number(match[1]))
    })
    child.once('exit', () => reject(new Error(`server exited early: ${out}`)))
  })
  return { child, port, url: `http://127.0.0.1:${port}`, exited }
}

/** An upgraded WebSocket that never answers the server's close frame: shutdown waits for it until the grace ends. */
function silentWebSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1', () =>
      socket.write(
        'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n' +
          `Host: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    )
    socket.once('error', reject)
    socket.once('data', (chunk: Buffer) => {
      if (chunk.toString().startsWith('HTTP/1.1 101')) resolve(socket)
      else reject(new Error(`upgrade refused: ${chunk.toString()}`))
    })
  })
}

/** /healthz's status, or 'refused' when the server no longer takes connections. */
const healthStatus = (url: string): Promise<number | 'refused'> =>
  fetch(`${url}/healthz`).then(
    (response) => response.status,
    () => 'refused' as const,
  )

describe('graceful shutdown', () => {
  it('tells clients, closes them and exits 0 within 5 s of SIGTERM', async () => {
    const { child, url, exited } = await startServerProcess()
    const client = await connectClient({ url })
    const told = nextEvent(client, 'session:error')
    const closed = new Promise((resolve) => client.once('disconnect', resolve))
    const startedAt = Date.now()
    child.kill('SIGTERM')
    expect((await told).code).toBe('unavailable')
    await closed
    expect(await exited).toBe(0)
    expect(Date.now() - startedAt).toBeLessThan(5000)
  })

  it('stops accepting once SIGTERM is handled: new clients and /healthz are refused while it shuts down', async () => {
    const { child, url, port, exited } = await startServerProcess({ SHUTDOWN_GRACE_MS: '2000' })
    const held = await silentWebSocket(port)
    const client = await connectClient({ url })
    const told = nextEvent(client, 'session:error')
    child.kill('SIGTERM')
    await told // shutdown has begun
    expect(await refusedFrom({ url }, url)).toBe(true)
    // Refused outright today (the listener closes with the notice); a 503 would do as well.
    expect([503, 'refused']).toContain(await healthStatus(url))
    expect(child.exitCode).toBeNull() // seen during the shutdown, not after the exit
    expect(await exited).toBe(0)
    held.destroy()
  })

  it('exits at once with a message naming a bad variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], {
      env: { ...process.env, PORT: 'eighty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code).toBe(78)
    expect(err).toContain('PORT')
  })
})
