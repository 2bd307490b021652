// What the server keeps of a connection's upgrade request until its socket takes it: the client's address
// (as the per-address limits count it) and the STUN URL by the Host it used. The request itself is let go
// (socket.io memory notes): engine.io would hold it, and its WebSocketResponse, for the connection's life.
import type { IncomingMessage } from 'node:http'
import type { Server } from 'socket.io'
import { addressKey } from './address-key.ts'
import type { Config } from './config.ts'
import { clientIp } from './connection-guard.ts'
import { releaseUpgradeLeftovers, releaseUpgradeResponse } from './connection-memory.ts'
import type { Logger } from './logger.ts'
import { ownStunUrl } from './stun/advertised-host.ts'
import { coalesceWrites } from './write-coalescing.ts'

export interface UpgradeRequests {
  /** The client's address key for this connection (`socket.conn`), from its request or else its handshake. */
  address(conn: object, fallback: string): string
  /** The STUN URL for this connection, once ('' when the server runs no STUN). */
  takeStunUrl(conn: object): string
}

export function trackUpgradeRequests(io: Server, config: Config, stun: boolean, logger: Logger): UpgradeRequests {
  const addresses = new WeakMap<object, string>()
  const stunUrls = new WeakMap<object, string>()
  let coalescingWarned = false
  io.engine.use(releaseUpgradeResponse)
  io.engine.on('connection', (raw: { request: IncomingMessage | null }) => {
    if (!coalesceWrites(raw) && !coalescingWarned) {
      coalescingWarned = true
      logger.warn('engine.io transport shape changed: write coalescing is off')
    }
    const request = raw.request
    if (request) {
      addresses.set(raw, addressKey(clientIp(request.headers, request.socket.remoteAddress, config.trustProxyHops)))
      if (stun) stunUrls.set(raw, ownStunUrl(config, request.headers.host))
    }
    releaseUpgradeLeftovers(raw)
  })
  return {
    address: (conn, fallback) => addresses.get(conn) ?? addressKey(fallback),
    takeStunUrl(conn) {
      const url = stunUrls.get(conn) ?? ''
      stunUrls.delete(conn)
      return url
    },
  }
}
