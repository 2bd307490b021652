// In-memory matchmaking for a single node: every operation O(k) for k interests (memory-queue.ts;
// the rules between two people look at a bounded number of FIFO heads), and each method runs to
// completion synchronously, so calls never interleave.
import { randomUUID } from 'node:crypto'
import { defaultLimits, type EndReason, type Presence } from '#protocol'
import { createBlockList, type BlockList } from './blocks.ts'
import { commonInterests, createMemoryQueue, type Waiter } from './memory-queue.ts'
import {
  anyone,
  type Ended,
  type Expiry,
  type FindOutcome,
  type MatchStore,
  type PairedMember,
  type Pairing,
  type ResumeOutcome,
  type UserId,
} from './store.ts'

interface UserState extends Waiter {
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
}

export interface MemoryStoreOptions {
  /** How long a non-strict searcher with interests waits for a shared one (I2). */
  interestWaitMs?: number
  /** The block list safety:block writes to (one of its own when none is given). */
  blocks?: BlockList
}

export function createMemoryStore(options: MemoryStoreOptions = {}): MatchStore {
  const users = new Map<UserId, UserState>()
  const blocks = options.blocks ?? createBlockList()
  // Blocks expire by the clock of the latest find or fallback (the store's only sense of time).
  let clockMs = Date.now()
  const queue = createMemoryQueue(options.interestWaitMs ?? defaultLimits.interestWaitMs, (a, b) =>
    blocks.blocked(a, b, clockMs),
  )
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
    queue.remove(user)
  }

  function removeUser(user: UserId): Ended | null {
    const state = users.get(user)
    if (!state) return null
    if (state.queuedAtMs !== null) queue.remove(user)
    const ended = endChat(user, 'disconnected')
    users.delete(user)
    resumeKeys.delete(state.resumeKey)
    graced.delete(user)
    release(state.ip)
    return ended
  }

  const sideOf = (user: UserState): PairedMember => ({
    id: user.id,
    name: user.name,
    relayRoom: user.relayRoom,
    signKey: user.search.signKey,
    blockKey: user.blockKey,
  })

  // `waiter` waited in the queue and initiates; the caller has taken it out of the queue already.
  function pairUp(waiter: UserState, responder: UserState, nowMs: number): Pairing {
    const chatId = randomUUID()
    const pairing: Pairing = {
      chatId,
      initiator: sideOf(waiter),
      responder: sideOf(responder),
      waitedMs: nowMs - (waiter.queuedAtMs ?? nowMs),
      common: commonInterests(responder.search, waiter.search),
    }
    waiter.queuedAtMs = null
    responder.queuedAtMs = null
    waiter.chat = { chatId, partner: responder.id }
    responder.chat = { chatId, partner: waiter.id }
    chatting += 2
    return pairing
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
        id,
        name,
        blockKey,
        search: anyone,
        ip,
        resumeKey,
        graceUntilMs: null,
        queuedAtMs: null,
        relayRoom: '',
        chat: null,
        lastPartner: null,
      })
      if (resumeKey !== '') resumeKeys.set(resumeKey, id)
      return 'added'
    },

    async find(user, nowMs, relayRoom = '', search = anyone) {
      const state = users.get(user)
      if (!state) return { kind: 'unknown-user' } satisfies FindOutcome
      if (state.chat) return { kind: 'already-chatting' }
      if (state.queuedAtMs !== null) return { kind: 'already-searching' }
      clockMs = nowMs
      state.search = search
      state.relayRoom = relayRoom
      const partner = queue.take(state)
      const partnerState = partner === null ? undefined : users.get(partner.id)
      if (partnerState) return { kind: 'matched', pairing: pairUp(partnerState, state, nowMs) }
      state.queuedAtMs = nowMs
      const fallbackAtMs = queue.add(state, nowMs)
      return fallbackAtMs === null ? { kind: 'queued' } : { kind: 'queued', fallbackAtMs }
    },

    async fallback(nowMs) {
      clockMs = nowMs
      const pairings: Pairing[] = []
      for (const [waiter, responder] of queue.fallBack(nowMs)) {
        const [a, b] = [users.get(waiter.id), users.get(responder.id)]
        if (a && b) pairings.push(pairUp(a, b, nowMs))
      }
      return pairings
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
      if (next.blockKey) state.blockKey = next.blockKey
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
      return { online: users.size, searching: queue.size, chatting, interests: queue.popular() }
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
