// The wire contract between the signaling server and every client: the only copy.
// No Node imports here: the app bundles this file.

export type ErrorCode =
  | 'bad-payload'
  | 'not-paired'
  | 'already-chatting'
  | 'not-searching'
  | 'rate-limited'
  | 'too-many-connections'
  | 'origin-refused'
  | 'unavailable'
  | 'internal'
  | 'relay-off'
  | 'bad-evidence'
  | 'banned'
  | 'pow-required'
  | 'too-late'

export interface ProtocolError {
  code: ErrorCode
  message: string
  /** What a refusal needs to be acted on: the proof-of-work challenge, or when a ban ends. */
  data?: unknown
}

/** Every request event answers through one of these: `(error, data?)`. */
export type Ack<T = undefined> = (error: ProtocolError | null, data?: T) => void

export interface IceServer {
  urls: string | string[]
  username?: string
  credential?: string
}

/** A token bucket: `burst` requests at once, refilled at `perSecond`. */
export interface RateLimit {
  burst: number
  perSecond: number
}

/** The relay's limits: a bucket of frames (the RateLimit), a frame size cap and a byte rate. */
export interface RelayLimits extends RateLimit {
  maxFrameBytes: number
  /** Bytes per second per socket, from a bucket holding one second's worth. */
  bytesPerSecond: number
}

export interface Limits {
  maxMessageChars: number
  maxSignalBytes: number
  maxInterests: number
  /** How long a search with interests waits for a shared one before it is open to anyone. */
  interestWaitMs: number
  match: RateLimit
  signal: RateLimit
  relay: RelayLimits
}

export interface Welcome {
  id: string
  name: string
  iceServers: IceServer[]
  /** True when the server offers a TURN relay, so the app can hide the user's IP. */
  relayOnly: boolean
  /** True when the server relays sealed frames between partners (`relay:frame`). */
  relay: boolean
  limits: Limits
  /** True when this connection took back a session held since its connection was lost (same id and name). */
  resumed: boolean
  /** The resumed chat's id, when a chat was resumed (absent: not in a chat, or it ended meanwhile). */
  chatId?: string
  /** Single use, new in every welcome: sent back as `auth: { resume }` when reconnecting within the grace. */
  resumeToken: string
}

/** The socket.io handshake's `auth` of a client that reconnects to take its session back. */
export interface ResumeAuth {
  resume: string
}

/** An interest and how many people search with it now (only ones shared by enough people to reveal nobody). */
export interface PopularInterest {
  tag: string
  searching: number
}

export interface Presence {
  online: number
  searching: number
  chatting: number
  interests: PopularInterest[]
}

export interface MatchFound {
  chatId: string
  /** Exactly one side of a pair is told to initiate the WebRTC offer. */
  initiator: boolean
  partner: { name: string; signKey?: string }
  /** The interests both gave, normalised; empty when paired at random. */
  common: string[]
}

export type LeaveReason = 'left' | 'skipped'
export type EndReason = LeaveReason | 'disconnected'

export interface MatchEnded {
  chatId: string
  reason: EndReason
}

export interface FindRequest {
  interests?: string[]
  /** ISO 639-1: paired only with someone who gave the same language or none. */
  lang?: string
  /** Only someone who shares an interest; never at random. */
  strict?: boolean
  signKey?: string
  /** A solved proof-of-work challenge, when the server asked for one. */
  pow?: string
}

export type ReportReason = 'spam' | 'sexual' | 'harassment' | 'minor' | 'other'

/** One of the partner's messages as they signed it: the server checks `sig` against their key for the chat. */
export interface Evidence {
  id: string
  sentAt: number
  text: string
  sig: string
}

export interface ReportRequest {
  chatId: string
  reason: ReportReason
  note?: string
  evidence: Evidence[]
}

export interface BlockRequest {
  chatId: string
}

export interface LeaveRequest {
  reason: LeaveReason
}

export interface IceCandidate {
  candidate: string
  sdpMid?: string | null
  sdpMLineIndex?: number | null
  usernameFragment?: string | null
}

/** What simple-peer emits for a data-only connection; anything else is refused. */
export type Signal =
  | { type: 'offer' | 'answer'; sdp: string }
  | { type: 'candidate'; candidate: IceCandidate }
  | { type: 'renegotiate'; renegotiate: true }

export interface FindResult {
  /** 'queued' while waiting; 'matched' when a partner was found at once (match:found follows). */
  status: 'queued' | 'matched'
}

/** Binary on the wire: a browser receives an ArrayBuffer, a Node client (and the server) a Buffer. */
export type BinaryFrame = ArrayBuffer | Uint8Array

export interface ServerToClientEvents {
  'session:welcome': (welcome: Welcome) => void
  'session:ice': (iceServers: IceServer[]) => void
  'session:error': (error: ProtocolError) => void
  'presence:update': (presence: Presence) => void
  'match:found': (found: MatchFound) => void
  'match:ended': (ended: MatchEnded) => void
  'signal:relay': (signal: Signal) => void
  /** A sealed frame from the partner, byte for byte as the partner sent it. */
  'relay:frame': (frame: BinaryFrame) => void
}

// The server answers every request that asks for an ack. Where a client has no use for the answer
// (trickled candidates above all), it may leave the ack out: socket.io then sends no ack frame,
// which on the relay hot path is a third of the server's writes.
export interface ClientToServerEvents {
  'match:find': (request: FindRequest, ack: Ack<FindResult>) => void
  'match:cancel': (ack?: Ack) => void
  'match:leave': (request: LeaveRequest, ack?: Ack) => void
  'signal:relay': (signal: Signal, ack?: Ack) => void
  /** A sealed frame for the partner (binary, at most `limits.relay.maxFrameBytes`); no ack, refusals come as session:error. */
  'relay:frame': (frame: BinaryFrame) => void
  'safety:report': (request: ReportRequest, ack: Ack) => void
  'safety:block': (request: BlockRequest, ack: Ack) => void
}

export type ClientEventName = keyof ClientToServerEvents

/** Default limits; the server announces the ones in force in `session:welcome.limits`. */
export const defaultLimits: Limits = {
  maxMessageChars: 500,
  maxSignalBytes: 16 * 1024,
  maxInterests: 10,
  interestWaitMs: 5000,
  match: { burst: 10, perSecond: 1 },
  signal: { burst: 100, perSecond: 20 },
  relay: { burst: 200, perSecond: 50, maxFrameBytes: 16 * 1024, bytesPerSecond: 256 * 1024 },
}

/** The app must connect with this transport list: the server serves WebSocket only. */
export const signalingTransports = ['websocket'] as const
