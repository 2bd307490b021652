// A session taken back by a new connection, on every node: the connection that held it until now (a
// dead one the server had not noticed yet, on any node) is closed without ending anything, and the
// partner's node relays to the session's new room from now on. The node that took it back applies it
// at once and tells the others (socket.io's server-side emit).
import type { ResumedChat, SessionSocket } from '../session-types.ts'
import type { UserId } from '../store/store.ts'

export interface HandoverDeps {
  /** This node's sockets by user. */
  sockets: ReadonlyMap<UserId, SessionSocket>
  /** Tells the other nodes (a cluster); absent on a single node. */
  broadcast?: (user: UserId, chat: ResumedChat | null, relayRoom: string) => void
}

export function createHandover({ sockets, broadcast }: HandoverDeps) {
  /** Applies a resume made on any node: `user`'s session now lives in `relayRoom` (and the new socket, if here). */
  function apply(user: UserId, chat: ResumedChat | null, relayRoom: string): void {
    const stale = sockets.get(user)
    if (stale) {
      stale.data.replaced = true
      stale.disconnect(true)
    }
    const partner = chat && sockets.get(chat.partner)
    if (partner && partner.data.chatId === chat.chatId && partner.data.partner === user) {
      partner.data.partnerRoom = relayRoom
    }
  }

  return {
    apply,
    /**
     * A socket of this node took its session back; call before registering it (it replaces any older one
     * here). The others hear of it once its relay room is joined, so a partner never relays to a room
     * nobody listens on yet.
     */
    tookBack(socket: SessionSocket, joined: Promise<void>): void {
      const { id, chatId, partner, relayRoom } = socket.data
      const chat = chatId !== null && partner !== null ? { chatId, partner } : null
      apply(id, chat, relayRoom)
      if (broadcast) void joined.then(() => broadcast(id, chat, relayRoom))
    },
  }
}
