// What a held connection keeps, trimmed to what Hush uses: an idle server holds ~20k of them, so
// every object left behind by the upgrade or the handshake counts (docs/performance.md, memory).
import type { EventEmitter } from 'node:events'
import { ServerResponse } from 'node:http'
import type { Socket } from 'socket.io'

type Handshake = Socket['handshake']

/**
 * An engine.io middleware: engine.io's WebSocketResponse re-emits the TCP socket's 'close' for HTTP
 * logging middlewares (Hush has none), and that listener kept the response and its upgrade request
 * alive for the connection's life. The response's constructor has just added it: the last one.
 */
export function releaseUpgradeResponse(_req: unknown, res: { socket?: EventEmitter | null }, next: () => void) {
  const tcp = res.socket
  // A real ServerResponse (an HTTP request to the engine path) keeps its listeners.
  if (!(res instanceof ServerResponse) && tcp) {
    const last = tcp.rawListeners('close').at(-1) as { listener?: (...args: unknown[]) => void } | undefined
    if (typeof last?.listener === 'function') tcp.removeListener('close', last.listener)
  }
  next()
}

interface EngineSocketShape {
  request: unknown
  transport?: { socket?: EventEmitter }
}

/** Drops what an established engine.io connection holds only for the upgrade that made it. */
export function releaseUpgradeLeftovers(engineSocket: EngineSocketShape): void {
  engineSocket.request = null
  // engine.io removes its pre-upgrade 'error' listener only when a polling client upgrades; for a
  // direct WebSocket the transport's own listener has taken over and this one just stays.
  const ws = engineSocket.transport?.socket
  if (!ws) return
  for (const listener of ws.listeners('error')) {
    if (listener.name === 'onUpgradeError') ws.removeListener('error', listener as (...args: unknown[]) => void)
  }
}

/** Hush reads nothing from the handshake (the address comes from the upgrade request): one shared copy. */
const releasedHandshake: Handshake = Object.freeze({
  headers: Object.freeze({}),
  time: '',
  address: '',
  xdomain: false,
  secure: false,
  issued: 0,
  url: '',
  query: Object.freeze({}),
  auth: Object.freeze({}),
})

/** Replaces the socket's own handshake copy (~0.35 KB: date string, empty headers/query/auth objects). */
export function releaseHandshake(socket: Socket): void {
  ;(socket as { handshake: Handshake }).handshake = releasedHandshake
}
