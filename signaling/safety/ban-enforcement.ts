// A ban takes effect at once: this node closes its sockets from the banned address, and tells the other
// nodes (socket.io's serverSideEmit through the Redis adapter) to close theirs.
import type { SessionSocket } from '../session-types.ts'
import type { HushServer } from '../server.ts'
import type { UserId } from '../store/store.ts'

function closeBanned(sockets: Map<UserId, SessionSocket>, addressHash: string, until: number): void {
  for (const socket of sockets.values()) {
    if (socket.data.addressHash !== addressHash) continue
    socket.emit('session:error', { code: 'banned', message: 'this address is banned', data: { until } })
    socket.disconnect(true)
  }
}

/** Listens for other nodes' bans; returns what a ban made here calls. */
export function wireBanEnforcement(io: HushServer, sockets: Map<UserId, SessionSocket>, clustered: boolean) {
  io.on('hush:banned', (addressHash, until) => closeBanned(sockets, addressHash, until))
  return (addressHash: string, until: number): void => {
    closeBanned(sockets, addressHash, until)
    if (clustered) io.serverSideEmit('hush:banned', addressHash, until)
  }
}
