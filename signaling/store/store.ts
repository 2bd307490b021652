// The matchmaking state behind one interface; every method is one atomic step, so a Redis store
// (a Lua script per method) can replace the in-memory one without changing the server.
import type { EndReason, Presence } from '#protocol'

export type UserId = string

export interface Member {
  id: UserId
  name: string
}

/**
 * A user arriving, with the address their connections are counted under and the key of the resume
 * token their welcome carries (a hash of it: the token itself never leaves the node; '' for none).
 */
export interface Arrival extends Member {
  ip: string
  resumeKey?: string
  /** Opaque key that blocks are kept under (a keyed hash of the address; '' for none): see store/blocks.ts. */
  blockKey?: string
}

/** What a searcher asked for, normalised (validation.ts): no interests, no language, '' key for none. */
export interface Search {
  interests: readonly string[]
  /** ISO 639-1 code, or '' for any language. */
  lang: string
  /** Only with a shared interest; never true without interests. */
  strict: boolean
  /** Handed to the partner as is ('' for none). */
  signKey: string
}

/** A search for anyone, in any language: the FIFO of old. */
export const anyone: Search = Object.freeze({ interests: [], lang: '', strict: false, signKey: '' })

/** A connection taking a session back: its address, its own new resume key, the room its node relays to it in. */
export interface Return {
  ip: string
  resumeKey: string
  relayRoom: string
  /** The new address's block key: blocks and bans follow the person to where they are now ('' for none). */
  blockKey?: string
}

/** A session taken back by a new connection (docs/protocol.md, "Resuming a session"). */
export interface ResumedSession extends Member {
  /** The chat it was in, with the room the partner's node relays to the partner in; null when none. */
  chat: { chatId: string; partner: UserId; partnerRoom: string } | null
  lastPartner: UserId | null
}

export type ResumeOutcome =
  | { kind: 'resumed'; session: ResumedSession }
  /** No session under that key: never issued, used already, or its grace is over. */
  | { kind: 'unknown' }
  /** The session is there, but the connection comes from another address, which is at its cap. */
  | { kind: 'too-many-connections' }

/** Sessions whose grace ran out, removed: how many, and the chats that ended with them. */
export interface Expiry {
  expired: number
  ended: Ended[]
}

export type AddOutcome = 'added' | 'too-many-connections'

/** A side of a pair, with the room its node receives relays for it in (see MatchStore.find). */
export interface PairedMember extends Member {
  relayRoom: string
  /** The key this side searched with ('' when none). */
  signKey: string
  /** This side's block key (Arrival.blockKey; '' when none). */
  blockKey: string
}

export interface Pairing {
  chatId: string
  /** The user who waited in the queue; told to initiate the WebRTC offer. */
  initiator: PairedMember
  responder: PairedMember
  /** How long the initiator waited in the queue, in milliseconds. */
  waitedMs: number
  /** The interests both gave, in the responder's order ([] at random). */
  common: string[]
}

export type FindOutcome =
  /** `fallbackAtMs`: when the search opens to anyone unless a shared interest comes first (none: at once, or strict). */
  | { kind: 'queued'; fallbackAtMs?: number }
  | { kind: 'matched'; pairing: Pairing }
  | { kind: 'already-searching' }
  | { kind: 'already-chatting' }
  | { kind: 'unknown-user' }

export interface Ended {
  chatId: string
  /** The user left behind, who must be told. */
  partner: UserId
  reason: EndReason
}

export interface MatchStore {
  /** Registers a connecting user as idle, unless their address already holds `maxPerIp` (0: no cap). */
  add(user: Arrival, maxPerIp: number): Promise<AddOutcome>
  /**
   * Pairs the user with the longest-waiting compatible stranger (a shared interest first, docs/protocol.md
   * I1–I7), or queues them. `relayRoom` (the room the user's node receives relays for them in) is kept
   * while they wait and handed to the partner, as is the search's signKey. Never pairs two users whose
   * block keys are blocked (store/blocks.ts).
   */
  find(user: UserId, nowMs: number, relayRoom?: string, search?: Search): Promise<FindOutcome>
  /**
   * Opens to anyone every search whose wait for a shared interest is over by `nowMs` (all of them, on
   * any node), pairing each with the longest compatible open waiter when there is one.
   */
  fallback(nowMs: number): Promise<Pairing[]>
  /** Leaves the queue; false when the user was not searching. */
  cancel(user: UserId): Promise<boolean>
  /** Ends the user's chat; null when the user was not paired. */
  leave(user: UserId, reason: EndReason): Promise<Ended | null>
  /**
   * Forgets the user: out of the queue, out of any chat (returned so the partner can be told). With a
   * resume key, only while the session is still under that key (no other connection has taken it back).
   */
  remove(user: UserId, resumeKey?: string): Promise<Ended | null>
  /**
   * The connection under this resume key was lost: its user leaves the queue but keeps id, name, chat
   * and address slot for `graceMs`. False when no session is under that key (taken back, or gone).
   */
  suspend(resumeKey: string, graceMs: number, nowMs: number): Promise<boolean>
  /**
   * Hands the session under `resumeKey` to a new connection, atomically and once: it takes the session
   * whether it was held in its grace or still had a connection (which the caller then closes).
   */
  resume(resumeKey: string, next: Return, maxPerIp: number, nowMs: number): Promise<ResumeOutcome>
  /** Removes the sessions whose grace has run out (their partners must be told). */
  expireGraces(nowMs: number): Promise<Expiry>
  partnerOf(user: UserId): Promise<UserId | null>
  counts(): Promise<Presence>
  close(): Promise<void>
}

/** The store cannot answer now (e.g. Redis is down): requests get the `unavailable` error code. */
export class StoreUnavailableError extends Error {
  readonly code = 'unavailable'
}
