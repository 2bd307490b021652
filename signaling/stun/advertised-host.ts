// Which `stun:` URL a client is given for the built-in STUN server: the host it reached us by.
import { isIPv6 } from 'node:net'

const label = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?'
const hostName = new RegExp(`^${label}(?:\\.${label})*\\.?$`, 'i')

/** A host name, IPv4 or IPv6 address (bare or bracketed) as it goes in a URL (IPv6 bracketed), or null. */
export function urlHost(value: string): string | null {
  const bracketed = /^\[([^\]]+)\]$/.exec(value)?.[1]
  if (bracketed !== undefined || isIPv6(value)) {
    const address = bracketed ?? value
    return isIPv6(address) ? `[${address.toLowerCase()}]` : null
  }
  return value.length <= 253 && hostName.test(value) ? value.toLowerCase() : null
}

/** The host of a Host header (`name`, `name:port`, `[v6]`, `[v6]:port`), or null for a missing or garbage one. */
export function hostOfHeader(header: string | undefined): string | null {
  if (header === undefined) return null
  const parts = /^(\[[^\]]*\]|[^:[\]]*)(?::\d{1,5})?$/.exec(header.trim())
  return parts?.[1] ? urlHost(parts[1]) : null
}

const wildcards = new Set(['0.0.0.0', '::', '[::]'])

export interface StunAdvertising {
  /** 0: STUN is off. */
  stunPort: number
  stunHost: string
  publicHost: string | undefined
}

/**
 * `stun:<host>:<port>`, host being PUBLIC_HOST, else the Host header the client used, else the address
 * STUN listens on unless it is a wildcard (no name to give then: ''). '' as well when STUN is off.
 */
export function ownStunUrl(config: StunAdvertising, hostHeader: string | undefined): string {
  if (config.stunPort === 0) return ''
  const listening = wildcards.has(config.stunHost) ? null : urlHost(config.stunHost)
  const host = config.publicHost ?? hostOfHeader(hostHeader) ?? listening
  return host === null ? '' : `stun:${host}:${config.stunPort}`
}
