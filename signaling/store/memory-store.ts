// In-memory matchmaking for a single node: every operation O(1) (the rematch rule looks at a bounded
// number of queue heads), and each method runs to completion synchronously, so calls never interleave.
import { randomUUID } from 'node:crypto'
import type { EndReason, Presence } from '#protocol'
import type { Ended, Expiry, FindOutcome, MatchStore, Pairing, ResumeOutcome, UserId } from './store.ts'
import { createBlockList, type BlockList } from './blocks.ts'

interface UserState {
  name: string
  ip: string
  /** The key of the resume token of the user's latest welcome ('' for none). */
  resumeKey: string
  /** Set while the user's connection is lost: when their session stops being resumable. */
  graceUntilMs: number | null
  /** Set while searching: when the user joined the queue. */
  queuedAtMs: number | null
  /** Set while searching or chatting: the room for relays to this user (handed to their partner). */
  relayRoom: string
  chat: { chatId: string; partner: UserId } | null
  /** The stranger of the user's last chat, not to be matched again at once while others wait. */
  lastPartner: UserId | null
  /** Arrival.blockKey ('' for none). */
  blockKey: string
  /** The signKey of the current search or chat ('' for none). */
  signKey: string
}

/** How many queue heads a search may pass over to honour the no-immediate-rematch rule. */
export const maxRematchSkips = 8

/** `blocks`: the block list safety:block writes to (one of its own when none is given). */
export function createMemoryStore(blocks: BlockList = createBlockList()): MatchStore {
  const users = new Map<UserId, UserState>()
  // A Map iterates in insertion order and deletes in O(1): a FIFO queue with removal from the middle.
  const queue = new Map<UserId, UserState>()
  const connectionsPerIp = new Map<string, number>()
  const resumeKeys = new Map<string, UserId>()
  // Sessions in their grace, by deadline: one grace for all, so insertion order is deadline order.
  const graced = new Map<UserId, number>()
  let chatting = 0

  const hasRoom = (ip: string, maxPerIp: number) => maxPerIp <= 0 || (connectionsPerIp.get(ip) ?? 0) < maxPerIp
  const hold = (ip: string) => connectionsPerIp.set(ip, (connectionsPerIp.get(ip) ?? 0) + 1)
  function release(ip: string): void {
    const held = connectionsPerIp.get(ip) ?? 0
    if (held <= 1) connectionsPerIp.delete(ip)
    else connectionsPerIp.set(ip, held - 1)
  }

  const leaveQueue = (user: UserId, state: UserState) => {
    state.queuedAtMs = null
    queue.delete(user)
  }

  function removeUser(user: UserId): Ended | null {
    const state = users.get(user)
    if (!state) return null
    if (state.queuedAtMs !== null) queue.delete(user)
    const ended = endChat(user, 'disconnected')
    users.delete(user)
    resumeKeys.delete(state.resumeKey)
    graced.delete(user)
    release(state.ip)
    return ended
  }

  const avoids = (a: UserId, aState: UserState, b: UserId, bState: UserState): boolean =>
    aState.lastPartner === b || bState.lastPartner === a

  // The longest waiter who is not the searcher's last partner (nor has the searcher as theirs).
  // Strict on purpose: with one FIFO queue at most one stranger waits at a time, so "rematch only
  // when nobody else waits" would hand a skipper straight back the person they skipped.
  function pickPartner(user: UserId, state: UserState, nowMs: number): UserId | null {
    let looked = 0
    for (const [candidate, candidateState] of queue) {
      const barred = avoids(user, state, candidate, candidateState)
      if (!barred && !blocks.blocked(state.blockKey, candidateState.blockKey, nowMs)) return candidate
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
    async add({ id, name, ip, resumeKey = '', blockKey = '' }, maxPerIp) {
      if (users.has(id)) return 'added'
      if (!hasRoom(ip, maxPerIp)) return 'too-many-connections'
      hold(ip)
      users.set(id, {
        name,
        ip,
        resumeKey,
        graceUntilMs: null,
        queuedAtMs: null,
        relayRoom: '',
        chat: null,
        lastPartner: null,
        blockKey,
        signKey: '',
      })
      if (resumeKey !== '') resumeKeys.set(resumeKey, id)
      return 'added'
    },

    async find(user, nowMs, relayRoom = '', search = {}) {
      const state = users.get(user)
      if (!state) return { kind: 'unknown-user' } satisfies FindOutcome
      if (state.chat) return { kind: 'already-chatting' }
      if (state.queuedAtMs !== null) return { kind: 'already-searching' }
      state.signKey = search.signKey ?? ''
      const partner = pickPartner(user, state, nowMs)
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
        initiator: {
          id: partner,
          name: partnerState.name,
          relayRoom: partnerState.relayRoom,
          signKey: partnerState.signKey,
          blockKey: partnerState.blockKey,
        },
        responder: { id: user, name: state.name, relayRoom, signKey: state.signKey, blockKey: state.blockKey },
        waitedMs: nowMs - partnerState.queuedAtMs,
      }
      partnerState.queuedAtMs = null
      partnerState.chat = { chatId, partner: user }
      state.chat = { chatId, partner }
      state.relayRoom = relayRoom
      chatting += 2
      return { kind: 'matched', pairing }
    },

    async cancel(user) {
      const state = users.get(user)
      if (!state || state.queuedAtMs === null) return false
      leaveQueue(user, state)
      return true
    },

    async leave(user, reason) {
      return endChat(user, reason)
    },

    async remove(user, resumeKey) {
      if (resumeKey !== undefined && users.get(user)?.resumeKey !== resumeKey) return null
      return removeUser(user)
    },

    async suspend(resumeKey, graceMs, nowMs) {
      const user = resumeKeys.get(resumeKey)
      const state = user === undefined ? undefined : users.get(user)
      if (user === undefined || !state || state.graceUntilMs !== null) return false
      if (state.queuedAtMs !== null) leaveQueue(user, state)
      state.graceUntilMs = nowMs + graceMs
      graced.set(user, state.graceUntilMs)
      return true
    },

    async resume(resumeKey, next, maxPerIp, nowMs): Promise<ResumeOutcome> {
      const user = resumeKeys.get(resumeKey)
      const state = user === undefined ? undefined : users.get(user)
      if (user === undefined || !state || (state.graceUntilMs ?? nowMs) < nowMs) return { kind: 'unknown' }
      if (next.ip !== state.ip) {
        // The slot the session holds moves with it; only a new address must have room.
        if (!hasRoom(next.ip, maxPerIp)) return { kind: 'too-many-connections' }
        release(state.ip)
        hold(next.ip)
        state.ip = next.ip
      }
      resumeKeys.delete(resumeKey)
      resumeKeys.set(next.resumeKey, user)
      state.resumeKey = next.resumeKey
      state.graceUntilMs = null
      graced.delete(user)
      // Taken over from a connection still searching: the app searches again once back.
      if (state.queuedAtMs !== null) leaveQueue(user, state)
      state.relayRoom = next.relayRoom
      const { chat } = state
      return {
        kind: 'resumed',
        session: {
          id: user,
          name: state.name,
          chat: chat && { ...chat, partnerRoom: users.get(chat.partner)?.relayRoom ?? '' },
          lastPartner: state.lastPartner,
        },
      }
    },

    async expireGraces(nowMs): Promise<Expiry> {
      const expiry: Expiry = { expired: 0, ended: [] }
      for (const [user, deadline] of graced) {
        if (deadline >= nowMs) break
        expiry.expired++
        const ended = removeUser(user)
        if (ended) expiry.ended.push(ended)
      }
      return expiry
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
      resumeKeys.clear()
      graced.clear()
      chatting = 0
    },
  }
  return store
}
