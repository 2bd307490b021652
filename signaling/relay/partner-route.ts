// Where a relay for a user's partner goes: the partner's socket when it is on this node (no Redis),
// else its relay room, which only the partner's node subscribes to (see newRelayRoom in server.ts).
import type { UserId } from '../store/store.ts'
import type { PartnerTarget, SessionSocket } from '../session-types.ts'

export function createPartnerRoute(
  sockets: ReadonlyMap<UserId, SessionSocket>,
  toRoom: ((room: string) => PartnerTarget) | null,
) {
  return function toPartner(from: SessionSocket, partner: UserId, chatId: string): PartnerTarget | null {
    const local = sockets.get(partner)
    // A partner already in another chat (this one ended meanwhile) gets nothing from it.
    if (local) return local.data.chatId === chatId ? local : null
    return toRoom && from.data.partnerRoom !== '' ? toRoom(from.data.partnerRoom) : null
  }
}
