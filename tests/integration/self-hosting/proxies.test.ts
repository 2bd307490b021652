// deploy/nginx.conf and deploy/Caddyfile in front of a real Hush server, run for real: TLS, WebSocket
// upgrade, Origin, forwarded addresses, headers. Only ports, paths and certificates are swapped for the test's.
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentSecurityPolicy } from '../../../signaling/http.ts'
import { nextEvent, request } from '../../support/signaling.ts'
import {
  closeClients,
  connectVia,
  refusalVia,
  repoFile,
  requireBinary,
  useWorkspace,
} from '../../support/self-hosting.ts'
import { get, startCaddy, startNginx, type Proxy } from '../../support/proxies.ts'

const workspace = useWorkspace()

describe.each([
  { name: 'nginx (deploy/nginx.conf)', start: startNginx },
  { name: 'Caddy (deploy/Caddyfile)', start: startCaddy },
])('$name in front of Hush', ({ start }) => {
  let proxy: Proxy
  // Each proxy gets its own loopback source addresses: the per-IP cap is per Hush server anyway.
  const source = (n: number) => `127.0.${start === startNginx ? 1 : 2}.${n}`

  beforeAll(async () => {
    proxy = await start(workspace)
  })
  afterAll(async () => {
    closeClients()
    await proxy?.stop()
  })

  it('upgrades wss:// to the WebSocket transport: welcome, then two strangers are paired', async () => {
    const origin = proxy.url // what a browser on the proxied origin sends; Hush checks it against Host
    const a = await connectVia(proxy.url, { ca: workspace.certPem, origin, localAddress: source(1) })
    const b = await connectVia(proxy.url, { ca: workspace.certPem, origin, localAddress: source(2) })
    expect(a.io.engine.transport.name).toBe('websocket')
    expect(a.welcome.name).not.toBe(b.welcome.name)
    const foundA = nextEvent(a, 'match:found')
    const foundB = nextEvent(b, 'match:found')
    expect((await request(a, 'match:find', {})).error).toBeNull()
    expect((await request(b, 'match:find', {})).error).toBeNull()
    const [matchA, matchB] = [await foundA, await foundB]
    expect(matchA.chatId).toBe(matchB.chatId)
    // The pair's signals cross the proxy in both directions.
    const relayed = nextEvent(b, 'signal:relay')
    a.emit('signal:relay', { type: 'offer', sdp: 'v=0' }, () => undefined)
    expect(await relayed).toEqual({ type: 'offer', sdp: 'v=0' })
  })

  it('still refuses a foreign Origin (the proxy passes Host through)', async () => {
    const message = await refusalVia(proxy.url, {
      ca: workspace.certPem,
      origin: 'https://evil.example',
      localAddress: source(3),
    })
    expect(message).toBe('websocket error')
    // Refused by Hush's own Origin check, not lost in the proxy.
    const metrics = await (await fetch(`${proxy.hush.url}/metrics`)).text()
    expect(metrics).toMatch(/hush_rejected_total\{code="origin-refused"\} 1/)
  })

  it('forwards the client address: TRUST_PROXY=1 counts each client, a forged X-Forwarded-For does not help', async () => {
    const first = await connectVia(proxy.url, {
      ca: workspace.certPem,
      localAddress: source(4),
      headers: { 'x-forwarded-for': '198.51.100.1' },
    })
    expect(first.welcome.id).toBeTruthy()
    // Same real address, another forged one: MAX_CONN_PER_IP=1 still applies.
    const refused = await refusalVia(proxy.url, {
      ca: workspace.certPem,
      localAddress: source(4),
      headers: { 'x-forwarded-for': '198.51.100.2' },
    })
    expect(refused).toBe('too-many-connections')
    // Another real address is someone else.
    await expect(connectVia(proxy.url, { ca: workspace.certPem, localAddress: source(5) })).resolves.toBeTruthy()
  })

  it('serves /healthz and hides /metrics', async () => {
    const health = await get(`${proxy.url}/healthz`, workspace.certPem)
    expect(health.status).toBe(200)
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' })
    expect((await get(`${proxy.url}/metrics`, workspace.certPem)).status).toBe(404)
  })

  it('serves the app with the CSP and security headers intact, and SPA and cache rules', async () => {
    const page = await get(`${proxy.url}/`, workspace.certPem)
    expect(page.status).toBe(200)
    expect(page.body).toContain('hush-static-app')
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy)
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    expect(page.headers.get('x-frame-options')).toBe('DENY')
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d+/)
    expect(page.headers.get('cache-control')).toBe('no-cache')
    const asset = await get(`${proxy.url}/assets/index-abc123.js`, workspace.certPem)
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const deepLink = await get(`${proxy.url}/some/route`, workspace.certPem)
    expect(deepLink.status).toBe(200)
    expect(deepLink.body).toContain('hush-static-app')
  })
})

describe('deploy/Caddyfile', () => {
  it('is formatted as `caddy fmt` wants (Caddy warns at every start otherwise)', () => {
    const formatted = spawnSync(
      requireBinary('caddy'),
      ['fmt', new URL('../../../deploy/Caddyfile', import.meta.url).pathname],
      {
        encoding: 'utf8',
      },
    )
    expect(formatted.status, formatted.stderr).toBe(0)
    expect(formatted.stdout).toBe(repoFile('deploy/Caddyfile'))
  })
})

describe('nginx redirect', () => {
  it('sends plain HTTP to HTTPS', async () => {
    const proxy = await startNginx(workspace)
    try {
      const response = await fetch(`http://127.0.0.1:${proxy.httpPort}/x?y=1`, { redirect: 'manual' })
      expect(response.status).toBe(301)
      expect(response.headers.get('location')).toBe('https://127.0.0.1/x?y=1')
    } finally {
      await proxy.stop()
    }
  })
})
