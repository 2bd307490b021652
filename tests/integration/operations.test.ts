import { spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
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
  request,
  startTestServer,
} from '../support/signaling.ts'

afterEach(closeAll)

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
    expect(text).toMatch(/^hush_match_wait_seconds_count 2$/m)
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

describe('graceful shutdown', () => {
  it('tells clients, closes them and exits 0 within 5 s of SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'signaling/main.ts'], {
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', STATIC_DIR: '/nonexistent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const port = await new Promise<number>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const match = /"port":(\d+)/.exec(out)
        if (match) resolve(Number(match[1]))
      })
      child.once('exit', () => reject(new Error(`server exited early: ${out}`)))
    })
    const server = { url: `http://127.0.0.1:${port}` }
    const client = await connectClient(server as never)
    const told = nextEvent(client, 'session:error')
    const closed = new Promise((resolve) => client.once('disconnect', resolve))
    const startedAt = Date.now()
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect((await told).code).toBe('unavailable')
    await closed
    expect(await exited).toBe(0)
    expect(Date.now() - startedAt).toBeLessThan(5000)
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
