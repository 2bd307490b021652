// What a node knows of its live users, from their sockets: what it restores after Redis lost its data.
import type { SessionSocket } from '../session-types.ts'
import type { LocalUser } from '../store/redis-store.ts'

export const localUsersOf = (sockets: Iterable<SessionSocket>): LocalUser[] =>
  [...sockets].map(({ data }) => ({
    id: data.id,
    name: data.name,
    ip: data.ip,
    state: data.chatId !== null ? 'chatting' : 'idle',
    chatId: data.chatId ?? '',
    partner: data.partner ?? '',
    lastPartner: data.lastPartner ?? '',
    resumeKey: data.resumeKey,
    relayRoom: data.relayRoom,
    blockKey: data.addressHash,
  }))
