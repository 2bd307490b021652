// Who may connect: the Origin check (CORS does not stop WebSockets) and the per-IP connection cap.
import type { IncomingHttpHeaders } from 'node:http'

/** The client's address: X-Forwarded-For is believed only for the configured number of proxy hops. */
export function clientIp(
  headers: IncomingHttpHeaders,
  remoteAddress: string | undefined,
  trustProxyHops: number,
): string {
  const direct = remoteAddress ?? 'unknown'
  const forwarded = headers['x-forwarded-for']
  if (trustProxyHops === 0 || forwarded === undefined) return direct
  const chain = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop.length > 0)
  // Each trusted proxy appends the address it saw; the one hops-from-the-right is the first we cannot vouch for.
  return chain[chain.length - trustProxyHops] ?? chain[0] ?? direct
}

/** Browsers always send Origin on a WebSocket upgrade; tools without one are let in. */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowedOrigins: readonly string[],
): boolean {
  if (origin === undefined) return true
  if (allowedOrigins.includes('*') || allowedOrigins.includes(origin)) return true
  try {
    return host !== undefined && new URL(origin).host === host
  } catch {
    return false
  }
}

export interface IpCounter {
  tryAcquire(ip: string): boolean
  release(ip: string): void
}

/** Counts live connections per IP on this node; max 0 means unlimited. */
export function createIpCounter(max: number): IpCounter {
  const live = new Map<string, number>()
  return {
    tryAcquire(ip) {
      const count = live.get(ip) ?? 0
      if (max > 0 && count >= max) return false
      live.set(ip, count + 1)
      return true
    },
    release(ip) {
      const count = live.get(ip) ?? 0
      if (count <= 1) live.delete(ip)
      else live.set(ip, count - 1)
    },
  }
}
