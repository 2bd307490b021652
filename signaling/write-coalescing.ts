// Frames produced for one client in the same event-loop turn leave in one write syscall.
// engine.io writes every packet as its own WebSocket frame, and ws every frame with its own
// syscall; under load that was 39 % of the server's CPU. Corking the TCP socket until the next tick
// batches them (no added latency: the tick ends before any I/O is polled).
// Nothing is allocated per connection: one shared send method, one list of the sockets corked this tick.
import type { Duplex } from 'node:stream'

interface WebSocketTransport {
  name?: string
  send?: (packets: unknown[]) => void
  socket?: { _socket?: Duplex }
}

const corked: Duplex[] = []

function uncorkAll(): void {
  for (const tcp of corked) tcp.uncork()
  corked.length = 0
}

/** Corks the transport's TCP socket for the rest of the tick, then sends as the transport's class does. */
function coalescedSend(this: WebSocketTransport, packets: unknown[]): void {
  const tcp = this.socket?._socket
  // ws corks and uncorks within a single frame write, so a count of 0 here means "not corked by us yet".
  if (tcp && tcp.writableCorked === 0) {
    if (corked.length === 0) process.nextTick(uncorkAll)
    corked.push(tcp)
    tcp.cork()
  }
  ;(Object.getPrototypeOf(this) as Required<WebSocketTransport>).send.call(this, packets)
}

/** Wraps the engine.io socket's WebSocket transport; false (and untouched) when its shape is unknown. */
export function coalesceWrites(engineSocket: unknown): boolean {
  const transport = (engineSocket as { transport?: WebSocketTransport }).transport
  const tcp = transport?.socket?._socket
  if (
    !transport ||
    transport.name !== 'websocket' ||
    typeof (Object.getPrototypeOf(transport) as WebSocketTransport).send !== 'function' ||
    typeof tcp?.cork !== 'function' ||
    typeof tcp.writableCorked !== 'number'
  ) {
    return false
  }
  transport.send = coalescedSend
  return true
}
