// Who may connect: the Origin check (CORS does not stop WebSockets) and the client's address
// (the per-IP connection cap itself is counted by the store, so that it holds across nodes).
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
