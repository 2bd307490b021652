// The signaling connection: typed socket.io over WebSocket, reconnecting with backoff whatever the cause.
import { io, type Socket } from 'socket.io-client'
import { refusalOf } from './refusal.ts'
import { signalingTransports, type ClientToServerEvents, type ServerToClientEvents } from '#protocol'

export type SignalingSocket = Socket<ServerToClientEvents, ClientToServerEvents>

export const reconnectDelayMs = { min: 500, max: 8_000 }
/**
 * The cap after a refusal for too many connections or too many new ones from this address: every
 * retry spends one of the address's connects per minute, and a school or office behind one address
 * must not rate-limit itself with retries.
 */
export const refusedRetryDelayMs = { min: 5_000, max: 60_000 }

export function connectSignaling(url: string = import.meta.env.VITE_SIGNALING_URL ?? '/'): SignalingSocket {
  // Each welcome brings a new single-use token; presented on the next connect, it gets the session back.
  let resumeToken: string | null = null
  const socket: SignalingSocket = io(url, {
    transports: [...signalingTransports],
    auth: (send) => send(resumeToken ? { resume: resumeToken } : {}),
    reconnectionDelay: reconnectDelayMs.min,
    reconnectionDelayMax: reconnectDelayMs.max,
    randomizationFactor: 0.5,
  })
  let attempt = 0
  let retry: ReturnType<typeof setTimeout> | undefined
  const retryLater = ({ min, max } = reconnectDelayMs) => {
    clearTimeout(retry)
    // Jittered within the cap, so the cap holds.
    const delay = Math.min(max, min * 2 ** attempt++ * (0.5 + Math.random()))
    retry = setTimeout(() => {
      if (!socket.connected) socket.connect()
    }, delay)
  }
  socket.on('connect', () => (attempt = 0))
  socket.on('session:welcome', (welcome) => (resumeToken = welcome.resumeToken))
  // socket.io gives up for good after a server-side disconnect (e.g. a restart) and after a refusal
  // by the server's middleware (too many connections, rate limit, shutting down); we retry, with backoff.
  socket.on('disconnect', (reason) => reason === 'io server disconnect' && retryLater())
  socket.on('connect_error', (error) => {
    if (socket.active) return // a transport error: socket.io retries by itself
    const refusal = refusalOf(error)
    retryLater(refusal === 'too-many-connections' || refusal === 'rate-limited' ? refusedRetryDelayMs : undefined)
  })
  return socket
}
