// relay:frame, the hot path of the encrypted relay: a sealed frame goes unparsed (no copy, no JSON,
// no promise) to the sender's current partner only. Refusals are answered with at most one
// session:error a second, never an ack, and all but not-paired (a race honest clients meet when a
// chat ends) count towards the abuse disconnect.
import type { ErrorCode, RateLimit } from '#protocol'
import { fullBucket, takeToken, type Bucket } from '#protocol/token-bucket.ts'
import type { HoldAgainst } from '../abuse.ts'
import type { SessionContext, SessionSocket } from '../session-types.ts'

/** A socket's relay limits, made on its first frame: sockets that never relay carry none. */
export interface RelayBuckets {
  frames: Bucket
  bytes: Bucket
  /** When this socket was last told of a refused frame. */
  toldAtMs: number
}

export type RefusalReason = 'off' | 'not-binary' | 'too-big' | 'frame-rate' | 'byte-rate' | 'not-paired'

const noticeIntervalMs = 1000

const messages: Partial<Record<ErrorCode, string>> = {
  'relay-off': 'this server does not relay frames',
  'bad-payload': 'relay:frame takes one binary frame within limits.relay.maxFrameBytes',
  'rate-limited': 'too many relayed frames or bytes; slow down',
  'not-paired': 'no partner to relay to',
}

export function createFrameRelay(ctx: SessionContext, holdAgainst: HoldAgainst) {
  const { config, metrics, now } = ctx
  const limits = config.limits.relay
  // A byte bucket holding one second's worth.
  const byteRate: RateLimit = { burst: limits.bytesPerSecond, perSecond: limits.bytesPerSecond }

  const bucketsOf = (socket: SessionSocket, nowMs: number): RelayBuckets =>
    (socket.data.relay ??= {
      frames: fullBucket(limits, nowMs),
      bytes: fullBucket(byteRate, nowMs),
      toldAtMs: Number.NEGATIVE_INFINITY,
    })

  function refuse(socket: SessionSocket, code: ErrorCode, reason: RefusalReason, nowMs: number): void {
    metrics.relayRefused.inc({ reason })
    metrics.countRejection(code)
    const buckets = bucketsOf(socket, nowMs)
    if (nowMs - buckets.toldAtMs >= noticeIntervalMs) {
      buckets.toldAtMs = nowMs
      socket.emit('session:error', { code, message: messages[code] ?? code })
    }
    if (reason !== 'not-paired') holdAgainst(socket, code)
  }

  return function relayFrame(socket: SessionSocket, args: unknown[]): void {
    const nowMs = now()
    if (!config.relay) return refuse(socket, 'relay-off', 'off', nowMs)
    const frame = args[0]
    if (args.length !== 1 || !(frame instanceof Uint8Array)) return refuse(socket, 'bad-payload', 'not-binary', nowMs)
    if (frame.byteLength > limits.maxFrameBytes) return refuse(socket, 'bad-payload', 'too-big', nowMs)
    const buckets = bucketsOf(socket, nowMs)
    if (!takeToken(buckets.frames, limits, nowMs)) return refuse(socket, 'rate-limited', 'frame-rate', nowMs)
    if (!takeToken(buckets.bytes, byteRate, nowMs, frame.byteLength)) {
      return refuse(socket, 'rate-limited', 'byte-rate', nowMs)
    }
    const { partner, chatId } = socket.data
    const target = partner === null || chatId === null ? null : ctx.toPartner(socket, partner, chatId)
    if (target === null) return refuse(socket, 'not-paired', 'not-paired', nowMs)
    target.emit('relay:frame', frame)
    metrics.relayedFrames.inc()
    metrics.relayedBytes.inc(frame.byteLength)
  }
}
