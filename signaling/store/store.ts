// The matchmaking state behind one interface; every method is one atomic step, so a Redis store
// (a Lua script per method) can replace the in-memory one without changing the server.
import type { EndReason, Presence } from '#protocol'

export type UserId = string

export interface Member {
  id: UserId
  name: string
}

/** A user arriving, with the address their connections are counted under. */
export interface Arrival extends Member {
  ip: string
}

export type AddOutcome = 'added' | 'too-many-connections'

/** A side of a pair, with the room its node receives relays for it in (see MatchStore.find). */
export interface PairedMember extends Member {
  relayRoom: string
}

export interface Pairing {
  chatId: string
  /** The user who waited in the queue; told to initiate the WebRTC offer. */
  initiator: PairedMember
  responder: PairedMember
  /** How long the initiator waited in the queue, in milliseconds. */
  waitedMs: number
}

export type FindOutcome =
  | { kind: 'queued' }
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
   * Pairs the user with the longest-waiting eligible stranger, or queues them. `relayRoom` (the
   * room the user's node receives relays for them in) is kept while they wait and handed to the partner.
   */
  find(user: UserId, nowMs: number, relayRoom?: string): Promise<FindOutcome>
  /** Leaves the queue; false when the user was not searching. */
  cancel(user: UserId): Promise<boolean>
  /** Ends the user's chat; null when the user was not paired. */
  leave(user: UserId, reason: EndReason): Promise<Ended | null>
  /** Forgets the user: out of the queue, out of any chat (returned so the partner can be told). */
  remove(user: UserId): Promise<Ended | null>
  partnerOf(user: UserId): Promise<UserId | null>
  counts(): Promise<Presence>
  close(): Promise<void>
}

/** The store cannot answer now (e.g. Redis is down): requests get the `unavailable` error code. */
export class StoreUnavailableError extends Error {
  readonly code = 'unavailable'
}
