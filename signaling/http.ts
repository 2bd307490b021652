// Plain HTTP: /healthz, /metrics and the built app with security and cache headers.
import { existsSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import sirv from 'sirv'
import type { Registry } from 'prom-client'
import type { ClusterState } from './cluster/liveness.ts'
import type { AdminApi } from './safety/admin-api.ts'

// The service worker, its Workbox runtime and the web app manifest are same-origin files: 'self' (directly,
// or through default-src for worker-src and manifest-src) lets them in, and nothing else needed loosening.
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

const securityHeaders: Record<string, string> = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
}

const placeholder = `<!doctype html><meta charset="utf-8"><title>Hush</title>
<p>Hush signaling server is running. The app is not built: run <code>npm run build</code>.</p>`

/** 'ok', or why this node should take no new connections now: /healthz answers 503, a load balancer skips it. */
export type Readiness = ClusterState | 'shutting-down'

/** `admin`: the operator API (ADMIN_TOKEN set); without it /admin/… is answered 404. */
export function createHttpHandler(
  staticDir: string,
  registry: Registry,
  readiness: () => Readiness,
  admin: AdminApi | null = null,
) {
  const serveStatic = existsSync(staticDir)
    ? sirv(staticDir, {
        etag: true,
        gzip: true,
        brotli: true,
        single: true,
        setHeaders(res, pathname) {
          // Vite puts content-hashed files under /assets: safe to cache for a year. Everything else revalidates,
          // above all sw.js and the manifest: a stale worker would keep serving an old version of the app.
          const hashed = pathname.startsWith('/assets/')
          res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
        },
      })
    : null

  return (req: IncomingMessage, res: ServerResponse): void => {
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value)
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/healthz') {
      const status = readiness()
      res.writeHead(status === 'ok' ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
      res.end(JSON.stringify({ status }))
      return
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' })
          res.end(body)
        },
        () => {
          res.writeHead(500).end()
        },
      )
      return
    }
    if (path === '/admin' || path?.startsWith('/admin/')) {
      if (!admin?.(req, res)) res.writeHead(404).end('not found')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    if (serveStatic) {
      serveStatic(req, res, () => {
        res.writeHead(404).end('not found')
      })
      return
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(placeholder)
  }
}
