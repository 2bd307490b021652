// The wire contract between the signaling server and every client: the only copy.
// No Node imports here: the app bundles this file.
import { defaultInterestWaitMs } from './interests.ts'

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

/** `banned`: when the ban ends (ms since the epoch). */
export interface BanInfo {
  until: number
}

/** An ALTCHA v2 challenge as altcha-lib's `createChallenge` makes it; solve it with its `solveChallenge`. */
export interface PowChallenge {
  parameters: {
    algorithm: string
    nonce: string
    salt: string
    cost: number
    keyLength: number
    keyPrefix: string
    keySignature?: string
    expiresAt?: number
  }
  signature?: string
}

/** `pow-required`: the challenge to solve before searching again. */
export interface PowRequired {
  challenge: PowChallenge
}

export interface ProtocolError {
  code: ErrorCode
  message: string
  /** With `banned` (and a connect_error `banned`): BanInfo; with `pow-required`: PowRequired. */
  data?: BanInfo | PowRequired
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
  /**
   * Whether images may cross the relay (RELAY_IMAGES): frames are sealed, so the server cannot tell an
   * image from text; the app honours this, and the byte rate bounds what a modified client can send.
   */
  images: boolean
}

export interface Limits {
  maxMessageChars: number
  maxSignalBytes: number
  maxInterests: number
  /** How long a non-strict searcher with interests waits for a shared one before the search opens to anyone. */
  interestWaitMs: number
  match: RateLimit
  signal: RateLimit
  relay: RelayLimits
  /** safety:report and safety:block together. */
  safety: RateLimit
  /** How long after a chat's end it can still be reported or blocked (REPORT_WINDOW_S), in seconds. */
  reportWindowS: number
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

/** An interest with the number of people searching with it now (only shown with at least 3). */
export interface PopularInterest {
  tag: string
  searching: number
}

export interface Presence {
  online: number
  searching: number
  chatting: number
  /** Up to 10 interests with the most people searching now, most first, each with at least 3. */
  interests: PopularInterest[]
}

export interface MatchFound {
  chatId: string
  /** Exactly one side of a pair is told to initiate the WebRTC offer. */
  initiator: boolean
  /** `signKey`: the partner's signing key as they sent it with their search, when they sent one. */
  partner: { name: string; signKey?: string }
  /** The interests both gave, normalised; `[]` when paired at random. */
  common: string[]
}

export type LeaveReason = 'left' | 'skipped'
export type EndReason = LeaveReason | 'disconnected'

export interface MatchEnded {
  chatId: string
  reason: EndReason
}

export interface FindRequest {
  /** Normalised by the server (protocol/interests.ts); at most `limits.maxInterests` once duplicates merge. */
  interests?: string[]
  /** ISO 639-1 code: never paired with someone who gave another one. */
  lang?: string
  /** Only with someone who shares an interest, never at random (ignored without interests). */
  strict?: boolean
  /** This chat's Ed25519 public key (standard base64 of the 32 raw bytes): the partner verifies `msg.sig` with it. */
  signKey?: string
  /** A solved proof of work after `pow-required`: base64 of the JSON `{ challenge, solution }`. */
  pow?: string
}

export interface LeaveRequest {
  reason: LeaveReason
}

export type ReportReason = 'spam' | 'sexual' | 'harassment' | 'minor' | 'other'

/** A message of the reported partner, exactly as received: `sig` covers `signedMessageBytes` (message-signature.ts). */
export interface Evidence {
  id: string
  sentAt: number
  text: string
  /** Standard base64 of the 64-byte Ed25519 signature. */
  sig: string
}

export interface ReportRequest {
  chatId: string
  reason: ReportReason
  /** At most 500 characters. */
  note?: string
  /** 1 to 20 of the partner's signed messages. */
  evidence: Evidence[]
}

export interface BlockRequest {
  chatId: string
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
  /** Reports the partner of a chat, during it or within the report window after it. */
  'safety:report': (request: ReportRequest, ack: Ack) => void
  /** Never pairs the two addresses of a chat again (for the block's time), during it or within the window after it. */
  'safety:block': (request: BlockRequest, ack: Ack) => void
}

export type ClientEventName = keyof ClientToServerEvents

/** Default limits; the server announces the ones in force in `session:welcome.limits`. */
export const defaultLimits: Limits = {
  maxMessageChars: 500,
  maxSignalBytes: 16 * 1024,
  maxInterests: 10,
  interestWaitMs: defaultInterestWaitMs,
  match: { burst: 10, perSecond: 1 },
  signal: { burst: 100, perSecond: 20 },
  relay: { burst: 200, perSecond: 50, maxFrameBytes: 16 * 1024, bytesPerSecond: 256 * 1024, images: false },
  safety: { burst: 5, perSecond: 0.2 },
  reportWindowS: 86_400,
}

/** Report limits: evidence items, note length. */
export const reportLimits = { maxEvidence: 20, maxNoteChars: 500 } as const

/** The app must connect with this transport list: the server serves WebSocket only. */
export const signalingTransports = ['websocket'] as const
