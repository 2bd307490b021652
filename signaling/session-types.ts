// The shapes a session is made of: per-socket data, pair notices between nodes, the session's dependencies.
import type { Socket } from 'socket.io'
import type { Config } from './config.ts'
import type { Logger } from './logger.ts'
import type { Metrics } from './metrics.ts'
import type { ClientToServerEvents, EndReason, ErrorCode, ProtocolError, ServerToClientEvents } from '#protocol'
import type { MatchStore, PairedMember, Search, UserId } from './store/store.ts'
import type { FallbackSchedule } from './match/fallback-timer.ts'
import type { Validators } from './validation.ts'
import type { Bucket } from '#protocol/token-bucket.ts'
import type { BroadcastOperator } from 'socket.io'
import type { RelayBuckets } from './relay/frame-relay.ts'
import type { Safety } from './safety/safety.ts'

export interface SessionData {
  id: UserId
  name: string
  ip: string
  /** The partner of the current chat, cached here so relaying never waits on the store. */
  partner: UserId | null
  /** The room the partner's node receives relays for them in (used when the partner is on another node). */
  partnerRoom: string
  /** The room this node receives relays for this user in ('' without a cluster); a new one after each chat. */
  relayRoom: string
  /** The built-in STUN server's URL by the host this user reached us at ('' for none): kept for session:ice. */
  stunUrl: string
  /** The key of the resume token in this connection's welcome: the store's proof that it holds the session. */
  resumeKey: string
  /** Set when another connection took the session back: this one's end must not touch the store. */
  replaced: boolean
  /** When the TURN credentials sent to this user expire (ms since the epoch). */
  iceExpiresAtMs: number
  chatId: string | null
  /** The partner of the chat that ended last (Redis keeps it too; a node restores it after a Redis restart). */
  lastPartner: UserId | null
  /** The chat that ended last: a match:found for it arriving late (from another node) is stale. */
  endedChatId: string | null
  /** When this user joined the queue, as far as this node knows; null when not searching. */
  searchingSinceMs: number | null
  /** The user's latest search as the store took it (searched again as is after a Redis restart). */
  search: Search
  /** The last of this user's match:* requests still under way (they run one after another); null when none. */
  matchTail: Promise<void> | null
  match: Bucket
  signal: Bucket
  abuse: Bucket
  /** The relay:frame limits, from this user's first frame on (null until then). */
  relay: RelayBuckets | null
  /** safety:report and safety:block. */
  safety: Bucket
  /** The keyed hash of this connection's address (safety/address-hash.ts): what reports, bans and blocks know. */
  addressHash: string
}

/** `expected`: a refusal honest clients meet (a race), answered and counted but not held against them. */
export type Outcome =
  { error: ErrorCode; message: string; expected?: boolean; data?: ProtocolError['data'] } | { data?: unknown }
export type Handler = (socket: SessionSocket, payload: unknown) => Promise<Outcome> | Outcome

/** News of a pair for one of its sides, applied by the node that holds that side's socket. */
export type PairNotice =
  | { kind: 'found'; chatId: string; initiator: boolean; partner: PairedMember; common: string[] }
  | { kind: 'ended'; chatId: string; reason: EndReason }

/** A chat taken back by a resumed session, as its partner's node needs it. */
export interface ResumedChat {
  chatId: string
  partner: UserId
}

export interface InterServerEvents {
  'hush:notice': (user: UserId, notice: PairNotice) => void
  /** A session was taken back on the sending node: whoever held it closes it; the partner relays to `relayRoom`. */
  'hush:resumed': (user: UserId, chat: ResumedChat | null, relayRoom: string) => void
  /** An address was banned: every node closes its sockets from it. */
  'hush:banned': (addressHash: string, until: number) => void
}

export type SessionSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SessionData>

/** The partner's socket on this node, or its relay room on another node: either takes an emit. */
export type PartnerTarget = Pick<BroadcastOperator<ServerToClientEvents, SessionData>, 'emit'>

export interface SessionContext {
  config: Config
  store: MatchStore
  /** Reports, blocks, proof of work, and what the chat records need to know of pairs. */
  safety: Safety
  /**
   * Whether a socket's match:* requests must wait for each other: with a cluster, a find reads the
   * relay room a leave still to finish will replace. The memory store finishes each request within
   * its turn, so there they run as they come (no chain, no promise per request).
   */
  serializeMatchRequests: boolean
  validators: Validators
  metrics: Metrics
  logger: Logger
  now: () => number
  /** When this node's searchers open to anyone: the timer that calls the store's fallback. */
  fallbacks: FallbackSchedule
  /** Hands a notice to the node holding the user's socket (this one, or another through the cluster). */
  notify(user: UserId, notice: PairNotice): void
  /**
   * Where a relay (signal or frame) for the sender's partner in the given chat goes, wherever the partner
   * is connected; null when the partner has left that chat (or its node is out of reach without a cluster).
   */
  toPartner(from: SessionSocket, partner: UserId, chatId: string): PartnerTarget | null
  /** A chat ended: a user whose partner was on another node moves to a fresh relay room. */
  chatEnded(socket: SessionSocket, partner: UserId): void
  /** Moves a local socket in or out of the lobby, the room that receives presence counts. */
  inLobby(socket: SessionSocket, inLobby: boolean): void
  onGone(socket: SessionSocket): void
  /** Whether a connection closed by this server's shutdown keeps its session for the grace (another node can take it). */
  handsOffOnShutdown(): boolean
}
