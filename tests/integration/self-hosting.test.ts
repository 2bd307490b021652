// The self-hosting guide's files, run for real: deploy/nginx.conf, deploy/Caddyfile, deploy/turnserver.conf,
// deploy/hush.service and the Dockerfile. Only ports, paths and certificates are swapped for the test's.
import { spawnSync } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { connect as tlsConnect } from 'node:tls'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../signaling/config.ts'
import { contentSecurityPolicy } from '../../signaling/http.ts'
import { freePort, tryAllocation } from '../support/coturn.ts'
import { freeUdpPort } from '../support/ports.ts'
import { closeAll, connectClient, nextEvent, request, startTestServer, type TestServer } from '../support/signaling.ts'
import {
  waitForPort,
  closeClients,
  connectVia,
  makeWorkspace,
  refusalVia,
  repoFile,
  requireBinary,
  startChild,
  substitute,
  type Child,
  type Workspace,
} from '../support/self-hosting.ts'

let workspace: Workspace

beforeAll(() => {
  workspace = makeWorkspace()
})
afterAll(async () => {
  closeClients()
  await closeAll()
  workspace.remove()
})

/** GET over TLS trusting only the test certificate (fetch cannot take a CA). */
async function get(url: string, ca: string): Promise<{ status: number; headers: Headers; body: string }> {
  const { request: httpsRequest } = await import('node:https')
  return new Promise((resolve, reject) => {
    httpsRequest(url, { ca }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => {
        const headers = new Headers()
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value)
        }
        resolve({ status: res.statusCode ?? 0, headers, body })
      })
    })
      .on('error', reject)
      .end()
  })
}

interface Proxy {
  url: string
  hush: TestServer
  stop(): Promise<void>
}

async function startNginx(): Promise<Proxy & { httpPort: number }> {
  const nginx = requireBinary('nginx')
  const hush = await startTestServer({ TRUST_PROXY: '1', MAX_CONN_PER_IP: '1', STATIC_DIR: workspace.staticDir })
  const [httpsPort, httpPort] = [await freePort(), await freePort()]
  const dir = join(workspace.dir, `nginx-${httpsPort}`)
  mkdirSync(dir, { mode: 0o755 })
  const site = substitute(repoFile('deploy/nginx.conf'), [
    ['listen 80;', `listen 127.0.0.1:${httpPort};`],
    ['listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`],
    ['/etc/letsencrypt/live/chat.example.com/fullchain.pem', workspace.certPath],
    ['/etc/letsencrypt/live/chat.example.com/privkey.pem', workspace.keyPath],
    ['root /srv/hush/app/dist;', `root ${workspace.staticDir};`],
    ['server 127.0.0.1:8080;', `server ${new URL(hush.url).host};`],
  ])
  writeFileSync(join(dir, 'hush.conf'), site)
  // The minimal main file Debian's /etc/nginx/nginx.conf stands for: the site file goes in its http block.
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/hush.conf;
}
`,
  )
  const child = await startChild(
    nginx,
    ['-p', dir, '-e', 'stderr', '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'],
    {
      port: httpsPort,
    },
  )
  return { url: `https://127.0.0.1:${httpsPort}`, hush, httpPort, stop: () => child.stop() }
}

async function startCaddy(): Promise<Proxy> {
  const caddy = requireBinary('caddy')
  const hush = await startTestServer({ TRUST_PROXY: '1', MAX_CONN_PER_IP: '1', STATIC_DIR: workspace.staticDir })
  const [httpsPort, httpPort] = [await freePort(), await freePort()]
  const dir = join(workspace.dir, `caddy-${httpsPort}`)
  mkdirSync(dir)
  const file = join(dir, 'Caddyfile')
  writeFileSync(
    file,
    substitute(repoFile('deploy/Caddyfile'), [
      // Offline: no ACME (the test's certificate instead), no redirect listener on port 80, no trust store.
      [
        '\tadmin off\n',
        `\tadmin off\n\tauto_https disable_redirects\n\thttp_port ${httpPort}\n\tdefault_sni 127.0.0.1\n\tskip_install_trust\n`,
      ],
      [
        'chat.example.com {\n',
        `https://127.0.0.1:${httpsPort} {\n\tbind 127.0.0.1\n\ttls ${workspace.certPath} ${workspace.keyPath}\n`,
      ],
      ['reverse_proxy 127.0.0.1:8080', `reverse_proxy ${new URL(hush.url).host}`],
    ]),
  )
  const child = await startChild(caddy, ['run', '--config', file, '--adapter', 'caddyfile'], {
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') },
    ready: /serving initial configuration/,
  })
  return { url: `https://127.0.0.1:${httpsPort}`, hush, stop: () => child.stop() }
}

describe.each([
  { name: 'nginx (deploy/nginx.conf)', start: startNginx },
  { name: 'Caddy (deploy/Caddyfile)', start: startCaddy },
])('$name in front of Hush', ({ start }) => {
  let proxy: Proxy
  // Each proxy gets its own loopback source addresses: the per-IP cap is per Hush server anyway.
  const source = (n: number) => `127.0.${start === startNginx ? 1 : 2}.${n}`

  beforeAll(async () => {
    proxy = await start()
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
      ['fmt', new URL('../../deploy/Caddyfile', import.meta.url).pathname],
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
    const proxy = await startNginx()
    try {
      const response = await fetch(`http://127.0.0.1:${proxy.httpPort}/x?y=1`, { redirect: 'manual' })
      expect(response.status).toBe(301)
      expect(response.headers.get('location')).toBe('https://127.0.0.1/x?y=1')
    } finally {
      await proxy.stop()
    }
  })
})

describe('coturn with deploy/turnserver.conf', () => {
  const shipped = repoFile('deploy/turnserver.conf')
  const secret = /^static-auth-secret=(.+)$/m.exec(shipped)?.[1] ?? ''
  let hush: TestServer
  const children: Child[] = []

  /** Starts turnserver from the shipped file with ports, addresses and paths swapped; extra flags last. */
  async function startTurn(extra: string[]) {
    const turnserver = requireBinary('turnserver')
    requireBinary('turnutils_uclient')
    const [port, tlsPort] = [await freePort(), await freePort()]
    const minPort = 30_000 + (port % 400) * 50
    const dir = join(workspace.dir, `coturn-${port}`)
    mkdirSync(dir)
    const file = join(dir, 'turnserver.conf')
    writeFileSync(
      file,
      substitute(shipped, [
        ['listening-port=3478', `listening-port=${port}`],
        ['tls-listening-port=443', `tls-listening-port=${tlsPort}`],
        ['external-ip=203.0.113.10', 'external-ip=127.0.0.1'],
        ['/etc/letsencrypt/live/turn.example.com/fullchain.pem', workspace.certPath],
        ['/etc/letsencrypt/live/turn.example.com/privkey.pem', workspace.keyPath],
        ['min-port=49152', `min-port=${minPort}`],
        ['max-port=65535', `max-port=${minPort + 49}`],
        ['\nsyslog\n', '\nlog-file=stdout\n'],
      ]),
    )
    // -L keeps every listener on loopback; the database and pid file go to the temp dir, not /var.
    const child = await startChild(
      turnserver,
      ['-c', file, '-L', '127.0.0.1', '--db', join(dir, 'turndb'), '--pidfile', join(dir, 'pid'), ...extra],
      { ready: /Total General servers/ },
    )
    children.push(child)
    // coturn skips lines it does not understand with only a log line: a typo would go unnoticed.
    expect(child.output()).not.toMatch(/Bad configuration format/)
    return { port, tlsPort, url: `turn:127.0.0.1:${port}` }
  }

  beforeAll(() => {
    expect(secret.length).toBeGreaterThanOrEqual(16)
  })
  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop()))
  })

  it('as shipped: accepts a Hush credential but refuses to relay to loopback (denied-peer-ip)', async () => {
    const turn = await startTurn([])
    hush = await startTestServer({ TURN_URLS: turn.url, TURN_SECRET: secret })
    const { welcome } = await connectClient(hush)
    const server = welcome.iceServers.find((entry) => entry.username !== undefined)
    const username = server?.username ?? ''
    expect(server?.credential).toBe(createHmac('sha1', secret).update(username).digest('base64'))
    const attempt = await tryAllocation(turn.port, username, server?.credential ?? '')
    expect(attempt.ok, attempt.output).toBe(false)
    expect(attempt.output).toMatch(/403 \(Forbidden IP\)/)
    expect(attempt.output).not.toMatch(/401/)
  })

  it('with loopback allowed for the test only: relays with a Hush credential, refuses a forged one', async () => {
    // The guide's file denies 127.0.0.0/8, and rightly so; the test's two peers both live on loopback.
    const turn = await startTurn(['--allow-loopback-peers', '--allowed-peer-ip=127.0.0.1'])
    hush = await startTestServer({ TURN_URLS: turn.url, TURN_SECRET: secret })
    const { welcome } = await connectClient(hush)
    const server = welcome.iceServers.find((entry) => entry.username !== undefined)
    const accepted = await tryAllocation(turn.port, server?.username ?? '', server?.credential ?? '')
    expect(accepted.ok, accepted.output).toBe(true)
    const forged = await tryAllocation(turn.port, `${Math.floor(Date.now() / 1000) + 600}:mallory`, 'Zm9yZ2Vk')
    expect(forged.ok, forged.output).toBe(false)
  })

  it('serves TURN over TLS on the tls-listening-port with the configured certificate', async () => {
    const turn = await startTurn([])
    // coturn logs "ready" before every listener is open: wait until the TLS port accepts.
    await waitForPort(turn.tlsPort)
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: turn.tlsPort, ca: workspace.certPem }, () => {
        resolve(socket.authorized)
        socket.end()
      })
      socket.once('error', reject)
    })
    expect(authorized).toBe(true)
  })
})

describe('deploy/hush.service', () => {
  it('passes systemd-analyze verify with no warnings, and runs the same command as npm run serve', () => {
    const analyze = requireBinary('systemd-analyze')
    let unit = repoFile('deploy/hush.service')
    // The unit names Debian's /usr/bin/node; on machines where node lives elsewhere, point it there.
    if (!existsSync('/usr/bin/node')) unit = substitute(unit, [['/usr/bin/node ', `${process.execPath} `]])
    const dir = join(workspace.dir, 'systemd')
    mkdirSync(dir)
    writeFileSync(join(dir, 'hush.service'), unit)
    const result = spawnSync(analyze, ['verify', join(dir, 'hush.service')], { encoding: 'utf8' })
    // verify exits 0 on settings it ignores, so any message at all counts as a failure.
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('')
    expect(result.status).toBe(0)
    const serve = JSON.parse(repoFile('package.json')).scripts.serve as string
    expect(/^ExecStart=\S+\/node (.+)$/m.exec(unit)?.[1]).toBe(serve.replace(/^node /, ''))
  })
})

describe('Dockerfile', () => {
  const dockerfile = repoFile('Dockerfile')
  const instructions = dockerfile
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
  const stages = instructions.filter((line) => line.startsWith('FROM '))
  const runtime = instructions.slice(instructions.lastIndexOf(stages.at(-1) ?? ''))
  const jsonArgs = (line: string) => JSON.parse(line.replace(/^\w+\s+(--\S+\s+)*(CMD\s+)?/, '')) as string[]

  it('is multi-stage, installs with npm ci and runs as a non-root user with a /healthz HEALTHCHECK', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2)
    expect(instructions.some((line) => /^RUN .*npm ci\b/.test(line))).toBe(true)
    const user = runtime.filter((line) => line.startsWith('USER ')).at(-1)
    expect(user).toBeDefined()
    expect(user).not.toMatch(/^USER (root|0)(:|$)/)
    expect(runtime).toContain('EXPOSE 8080')
    expect(runtime).toContain('EXPOSE 3478/udp')
    expect(runtime.find((line) => line.startsWith('HEALTHCHECK '))).toMatch(/\/healthz/)
    expect(runtime.join('\n')).toMatch(/HOST=0\.0\.0\.0/)
  })

  it('copies only paths that exist in the repository and are not excluded by .dockerignore', () => {
    const ignored = repoFile('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
    const sources = instructions
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.split(/\s+/).slice(1, -1))
    expect(sources.length).toBeGreaterThan(0)
    for (const source of sources) {
      expect(existsSync(new URL(`../../${source}`, import.meta.url)), source).toBe(true)
      expect(ignored, source).not.toContain(source)
    }
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.git', '.env']))
  })

  it('needs no devDependency at run time (the runtime stage has `npm prune --omit=dev` node_modules)', () => {
    const { dependencies } = JSON.parse(repoFile('package.json')) as { dependencies: Record<string, string> }
    const sources = readdirSync(new URL('../../signaling', import.meta.url), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => repoFile(`signaling/${file}`))
    const packages = new Set(
      sources.flatMap((source) =>
        [...source.matchAll(/^import\s+(?!type\s)(?:[^']*?\sfrom\s+)?'([^'.][^']*)'/gm)]
          .map(([, specifier]) => specifier ?? '')
          // node: built-ins, and package.json imports (#protocol): the repository's own files.
          .filter((specifier) => !specifier.startsWith('node:') && !specifier.startsWith('#'))
          .map((specifier) =>
            specifier
              .split('/')
              .slice(0, specifier.startsWith('@') ? 2 : 1)
              .join('/'),
          ),
      ),
    )
    expect(packages.size).toBeGreaterThan(0)
    for (const name of packages) expect(Object.keys(dependencies), name).toContain(name)
    expect(Object.keys(dependencies)).toContain('tsx')
  })

  it("runs its CMD from the runtime stage's files, passes its HEALTHCHECK and stops on SIGTERM", async () => {
    // The runtime stage's layout, from its COPY --from lines; app/dist is the test's stand-in app.
    const root = join(workspace.dir, 'image')
    mkdirSync(join(root, 'app'), { recursive: true })
    for (const line of runtime.filter((entry) => entry.startsWith('COPY --from='))) {
      const [, from, to] = line.split(/\s+/).slice(1)
      const source = (from ?? '').replace(/^\/hush\//, '')
      const target = (to ?? '').endsWith('/') ? join(root, to ?? '', basename(source)) : join(root, to ?? '')
      if (source === 'node_modules') symlinkSync(new URL('../../node_modules', import.meta.url), target)
      else if (source === 'app/dist') cpSync(workspace.staticDir, target, { recursive: true })
      else cpSync(new URL(`../../${source}`, import.meta.url), target, { recursive: true })
    }
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH }
    for (const line of runtime.filter((entry) => entry.startsWith('ENV '))) {
      for (const [, name, value] of line.matchAll(/(\w+)=(\S+)/g)) env[name ?? ''] = value
    }
    expect(env.HOST).toBe('0.0.0.0')
    // Loopback only in the test, on a free port.
    Object.assign(env, {
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      STUN_PORT: String(await freeUdpPort()),
      LOG_LEVEL: 'info',
    })
    const [command, ...args] = jsonArgs(runtime.find((line) => line.startsWith('CMD ')) ?? '')
    const server = await startChild(command ?? '', args, { cwd: root, env, ready: /Hush listening/ })
    try {
      const [probe, ...probeArgs] = jsonArgs(runtime.find((line) => line.startsWith('HEALTHCHECK ')) ?? '')
      const health = spawnSync(probe ?? '', probeArgs, { cwd: root, env, encoding: 'utf8', timeout: 10_000 })
      expect(health.status, health.stderr).toBe(0)
      const page = await fetch(`http://127.0.0.1:${env.PORT}/`)
      expect(await page.text()).toContain('hush-static-app')
    } finally {
      const exited = new Promise<number | null>((resolve) => server.process.once('exit', resolve))
      server.process.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
  })
})

describe('docs/self-hosting.md', () => {
  const guide = repoFile('docs/self-hosting.md')

  it('shows every deploy file verbatim, so the tested file is the documented file', () => {
    const shown = new Map(
      [...guide.matchAll(/<!-- deploy-file: (\S+) -->\s*```\w*\n([\s\S]*?)```/g)].map(([, path, body]) => [path, body]),
    )
    const expected = [
      ...readdirSync(new URL('../../deploy', import.meta.url)).map((f) => `deploy/${f}`),
      'Dockerfile',
      '.dockerignore',
    ]
    expect([...shown.keys()].sort()).toEqual(expected.sort())
    for (const path of expected)
      expect(shown.get(path), `${path} differs from its copy in the guide`).toBe(repoFile(path))
  })

  it("gives the cross-origin CSP: the server's own, with the signaling wss:// origin in connect-src", () => {
    const documented = /<!-- csp: cross-origin -->\s*```\n?Content-Security-Policy: (.+)\n```/.exec(guide)?.[1]
    expect(documented).toBe(
      contentSecurityPolicy.replace("connect-src 'self'", "connect-src 'self' wss://signal.example.com"),
    )
  })

  it('has an env file the server accepts, behind one proxy, with the secret of turnserver.conf', () => {
    const env = Object.fromEntries(
      repoFile('deploy/hush.env')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    )
    const config = loadConfig(env)
    expect(config.host).toBe('127.0.0.1')
    expect(config.trustProxyHops).toBe(1)
    expect(config.turnUrls.some((url) => url.startsWith('turns:') && url.includes(':443'))).toBe(true)
    expect(config.turnSecret).toBe(/^static-auth-secret=(.+)$/m.exec(repoFile('deploy/turnserver.conf'))?.[1])
  })

  it('is linked from the README', () => {
    expect(repoFile('README.md')).toContain('](docs/self-hosting.md)')
  })
})
