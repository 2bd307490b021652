// Self-hosting test rigs: nginx and Caddy started from the shipped deploy files in front of a real Hush
// server, and an HTTPS GET that trusts only the test certificate.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from './coturn.ts'
import { repoFile, requireBinary, startChild, substitute, type Workspace } from './self-hosting.ts'
import { startTestServer, type TestServer } from './signaling.ts'

/** GET over TLS trusting only the test certificate (fetch cannot take a CA). */
export async function get(url: string, ca: string): Promise<{ status: number; headers: Headers; body: string }> {
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

export interface Proxy {
  url: string
  hush: TestServer
  stop(): Promise<void>
}

export async function startNginx(workspace: Workspace): Promise<Proxy & { httpPort: number }> {
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

export async function startCaddy(workspace: Workspace): Promise<Proxy> {
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
