// The signaling connection: typed socket.io over WebSocket, reconnecting with backoff whatever the cause.
import { io, type Socket } from 'socket.io-client'
import {
  signalingTransports,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../../signaling/protocol.ts'

export type SignalingSocket = Socket<ServerToClientEvents, ClientToServerEvents>

export const reconnectDelayMs = { min: 500, max: 8_000 }

export function connectSignaling(url: string = import.meta.env.VITE_SIGNALING_URL ?? '/'): SignalingSocket {
  const socket: SignalingSocket = io(url, {
    transports: [...signalingTransports],
    reconnectionDelay: reconnectDelayMs.min,
    reconnectionDelayMax: reconnectDelayMs.max,
    randomizationFactor: 0.5,
  })
  let attempt = 0
  socket.on('connect', () => (attempt = 0))
  socket.on('disconnect', (reason) => {
    // socket.io does not retry after a server-side disconnect (e.g. a restart); we do, with backoff.
    if (reason !== 'io server disconnect') return
    const delay = Math.min(reconnectDelayMs.max, reconnectDelayMs.min * 2 ** attempt++) * (0.5 + Math.random())
    setTimeout(() => {
      if (!socket.connected) socket.connect()
    }, delay)
  })
  return socket
}
