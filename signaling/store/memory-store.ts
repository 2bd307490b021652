// In-memory matchmaking for a single node: every operation O(1) (the rematch rule looks at a bounded
// number of queue heads), and each method runs to completion synchronously, so calls never interleave.
import { randomUUID } from 'node:crypto'
import type { EndReason, Presence } from '#protocol'
import type { Ended, FindOutcome, MatchStore, Pairing, UserId } from './store.ts'

interface UserState {
  name: string
  ip: string
  /** Set while searching: when the user joined the queue. */
  queuedAtMs: number | null
  /** Set while searching: the room for relays to this user (handed to their partner). */
  relayRoom: string
  chat: { chatId: string; partner: UserId } | null
  /** The stranger of the user's last chat, not to be matched again at once while others wait. */
  lastPartner: UserId | null
}

/** How many queue heads a search may pass over to honour the no-immediate-rematch rule. */
export const maxRematchSkips = 8

export function createMemoryStore(): MatchStore {
  const users = new Map<UserId, UserState>()
  // A Map iterates in insertion order and deletes in O(1): a FIFO queue with removal from the middle.
  const queue = new Map<UserId, UserState>()
  const connectionsPerIp = new Map<string, number>()
  let chatting = 0

  const avoids = (a: UserId, aState: UserState, b: UserId, bState: UserState): boolean =>
    aState.lastPartner === b || bState.lastPartner === a

  // The longest waiter who is not the searcher's last partner (nor has the searcher as theirs).
  // Strict on purpose: with one FIFO queue at most one stranger waits at a time, so "rematch only
  // when nobody else waits" would hand a skipper straight back the person they skipped.
  function pickPartner(user: UserId, state: UserState): UserId | null {
    let looked = 0
    for (const [candidate, candidateState] of queue) {
      if (!avoids(user, state, candidate, candidateState)) return candidate
      if (++looked >= maxRematchSkips) break
    }
    return null
  }

  function endChat(user: UserId, reason: EndReason): Ended | null {
    const state = users.get(user)
    const chat = state?.chat
    if (!state || !chat) return null
    const partnerState = users.get(chat.partner)
    state.chat = null
    state.lastPartner = chat.partner
    if (partnerState) {
      partnerState.chat = null
      partnerState.lastPartner = user
    }
    chatting -= 2
    return { chatId: chat.chatId, partner: chat.partner, reason }
  }

  const store: MatchStore = {
    async add({ id, name, ip }, maxPerIp) {
      if (users.has(id)) return 'added'
      const held = connectionsPerIp.get(ip) ?? 0
      if (maxPerIp > 0 && held >= maxPerIp) return 'too-many-connections'
      connectionsPerIp.set(ip, held + 1)
      users.set(id, { name, ip, queuedAtMs: null, relayRoom: '', chat: null, lastPartner: null })
      return 'added'
    },

    async find(user, nowMs, relayRoom = '') {
      const state = users.get(user)
      if (!state) return { kind: 'unknown-user' } satisfies FindOutcome
      if (state.chat) return { kind: 'already-chatting' }
      if (state.queuedAtMs !== null) return { kind: 'already-searching' }
      const partner = pickPartner(user, state)
      const partnerState = partner === null ? undefined : users.get(partner)
      if (partner === null || !partnerState || partnerState.queuedAtMs === null) {
        state.queuedAtMs = nowMs
        state.relayRoom = relayRoom
        queue.set(user, state)
        return { kind: 'queued' }
      }
      queue.delete(partner)
      const chatId = randomUUID()
      const pairing: Pairing = {
        chatId,
        initiator: { id: partner, name: partnerState.name, relayRoom: partnerState.relayRoom },
        responder: { id: user, name: state.name, relayRoom },
        waitedMs: nowMs - partnerState.queuedAtMs,
      }
      partnerState.queuedAtMs = null
      partnerState.chat = { chatId, partner: user }
      state.chat = { chatId, partner }
      chatting += 2
      return { kind: 'matched', pairing }
    },

    async cancel(user) {
      const state = users.get(user)
      if (!state || state.queuedAtMs === null) return false
      state.queuedAtMs = null
      queue.delete(user)
      return true
    },

    async leave(user, reason) {
      return endChat(user, reason)
    },

    async remove(user) {
      const state = users.get(user)
      if (!state) return null
      if (state.queuedAtMs !== null) queue.delete(user)
      const ended = endChat(user, 'disconnected')
      users.delete(user)
      const held = connectionsPerIp.get(state.ip) ?? 0
      if (held <= 1) connectionsPerIp.delete(state.ip)
      else connectionsPerIp.set(state.ip, held - 1)
      return ended
    },

    async partnerOf(user) {
      return users.get(user)?.chat?.partner ?? null
    },

    async counts(): Promise<Presence> {
      return { online: users.size, searching: queue.size, chatting }
    },

    async close() {
      users.clear()
      queue.clear()
      connectionsPerIp.clear()
      chatting = 0
    },
  }
  return store
}
