// The operator API, on the same port, only with ADMIN_TOKEN: reports and bans as JSON. A missing or wrong
// token, and anything not listed here, is answered 401 with no detail, so nothing can be learnt unauthenticated.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { z } from 'zod'
import { isAddressHash } from './address-hash.ts'
import type { Safety } from './safety.ts'

/** Reports listed at most (the newest). */
export const adminReportLimit = 1000
const maxBodyBytes = 1024

const banRequest = z.object({
  key: z.string().refine(isAddressHash, 'an address hash as the listings show it'),
  // Up to a year.
  ttlS: z.number().int().positive().max(31_536_000),
})

// Digests of equal length, so the comparison takes the same time whatever the token's length.
const digest = (value: string) => createHash('sha256').update(value).digest()

/** Handles /admin/… requests; returns false for any other path. */
export type AdminApi = (req: IncomingMessage, res: ServerResponse) => boolean

export function createAdminApi(token: string, safety: () => Safety, now: () => number): AdminApi {
  const expected = digest(`Bearer ${token}`)
  const authorized = (req: IncomingMessage) => timingSafeEqual(digest(req.headers.authorization ?? ''), expected)

  function send(res: ServerResponse, status: number, body?: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
    res.end(body === undefined ? '' : JSON.stringify(body))
  }

  async function route(req: IncomingMessage, path: string): Promise<[number, unknown?]> {
    const { reports, bans, ban, unban } = safety()
    if (req.method === 'GET' && path === '/admin/reports')
      return [200, { reports: await reports.list(now(), adminReportLimit) }]
    if (req.method === 'GET' && path === '/admin/bans') return [200, { bans: await bans.list(now()) }]
    if (req.method === 'POST' && path === '/admin/bans') {
      const parsed = banRequest.safeParse(await jsonBody(req))
      if (!parsed.success) return [400, { error: 'takes { key, ttlS }' }]
      return [200, { key: parsed.data.key, until: await ban(parsed.data.key, parsed.data.ttlS) }]
    }
    const unbanned = /^\/admin\/bans\/([0-9a-f]{32})$/.exec(path)?.[1]
    if (req.method === 'DELETE' && unbanned) return [200, { key: unbanned, removed: await unban(unbanned) }]
    return [401]
  }

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    if (path !== '/admin' && !path.startsWith('/admin/')) return false
    if (!authorized(req)) {
      send(res, 401)
      return true
    }
    route(req, path).then(
      ([status, body]) => send(res, status, body),
      () => send(res, 500, { error: 'internal' }),
    )
    return true
  }
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  let body = ''
  for await (const chunk of req) {
    body += String(chunk)
    if (body.length > maxBodyBytes) return null
  }
  try {
    return JSON.parse(body)
  } catch {
    return null
  }
}
