// One connected user's request handlers: validate, rate-limit, act on the store, answer every ack.
import type { Socket } from 'socket.io'
import type { Config } from './config.ts'
import type { Logger } from './logger.ts'
import type { Metrics } from './metrics.ts'
import type {
  ClientEventName,
  ClientToServerEvents,
  ErrorCode,
  ProtocolError,
  ServerToClientEvents,
} from './protocol.ts'
import { createTokenBucket, type TokenBucket } from './rate-limit.ts'
import type { Ended, MatchStore, Pairing, UserId } from './store/store.ts'
import type { Validators } from './validation.ts'

export interface SessionData {
  ip: string
  /** The partner of the current chat, cached here so relaying never waits on the store. */
  partner: UserId | null
}

type SessionSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SessionData>

export interface SessionContext {
  id: UserId
  name: string
  nowMs: number
  config: Config
  store: MatchStore
  validators: Validators
  metrics: Metrics
  logger: Logger
  now: () => number
  deliver<E extends keyof ServerToClientEvents>(
    user: UserId,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void
  lookup(user: UserId): SessionSocket | undefined
  onGone(): void
}

type AckFn = (error: ProtocolError | null, data?: unknown) => void
type Outcome = { error: ErrorCode; message: string } | { data?: unknown }

/** A handler's refusal: answered as an error ack with a stable code. */
const refuse = (error: ErrorCode, message: string): Outcome => ({ error, message })
const ok = (data?: unknown): Outcome => ({ data })

/** Sustained abuse: this many refusals beyond the allowance (refilled 1/s) ends the connection. */
const abuseAllowance = { burst: 30, perSecond: 1 }

const clientEvents: ReadonlySet<string> = new Set<ClientEventName>([
  'match:find',
  'match:cancel',
  'match:leave',
  'signal:relay',
])

/** Wires the handlers; resolves once the store has registered the user. */
export function attachSession(socket: SessionSocket, ctx: SessionContext): Promise<void> {
  const { id, store, validators, metrics, logger, now } = ctx
  const matchBucket = createTokenBucket(ctx.config.limits.match, ctx.nowMs)
  const signalBucket = createTokenBucket(ctx.config.limits.signal, ctx.nowMs)
  const abuseBucket = createTokenBucket(abuseAllowance, ctx.nowMs)
  const ready = store.add({ id, name: ctx.name })
  socket.data.partner = null

  function reject(ack: AckFn, code: ErrorCode, message: string): void {
    metrics.countRejection(code)
    ack({ code, message })
    if (!abuseBucket.take(now()) && socket.connected) {
      logger.warn({ user: id, code }, 'disconnecting an abusive client')
      socket.emit('session:error', { code: 'rate-limited', message: 'too many refused requests; disconnected' })
      socket.disconnect(true)
    }
  }

  /** Registers a request handler that can never throw into socket.io and always answers its ack. */
  function request(event: ClientEventName, bucket: TokenBucket, handle: (payload: unknown) => Promise<Outcome>): void {
    const raw = socket as unknown as { on(event: string, listener: (...args: unknown[]) => void): void }
    raw.on(event, (...args: unknown[]) => {
      const last = args[args.length - 1]
      const ack: AckFn = typeof last === 'function' ? (last as AckFn) : () => {}
      if (typeof last === 'function') args.pop()
      if (!bucket.take(now())) return reject(ack, 'rate-limited', `too many ${event} requests; slow down`)
      if (args.length > 1) return reject(ack, 'bad-payload', `${event} takes at most one argument`)
      ready
        .then(() => handle(args[0]))
        .then(
          (outcome) => ('error' in outcome ? reject(ack, outcome.error, outcome.message) : ack(null, outcome.data)),
          (error: unknown) => {
            logger.error({ err: error, event, user: id }, 'handler failed')
            reject(ack, 'internal', 'internal error; please retry')
          },
        )
    })
  }

  function announcePair(pairing: Pairing): void {
    const { chatId, initiator, responder } = pairing
    metrics.matches.inc()
    metrics.matchWait.observe(pairing.waitedMs / 1000)
    metrics.matchWait.observe(0)
    for (const [self, other, isInitiator] of [
      [initiator, responder, true],
      [responder, initiator, false],
    ] as const) {
      const peerSocket = ctx.lookup(self.id)
      if (peerSocket) peerSocket.data.partner = other.id
      ctx.deliver(self.id, 'match:found', { chatId, initiator: isInitiator, partner: { name: other.name } })
    }
  }

  function announceEnd(ended: Ended): void {
    socket.data.partner = null
    const partnerSocket = ctx.lookup(ended.partner)
    if (partnerSocket) partnerSocket.data.partner = null
    ctx.deliver(ended.partner, 'match:ended', { chatId: ended.chatId, reason: ended.reason })
  }

  request('match:find', matchBucket, async (payload) => {
    if (validators.findRequest(payload) === null)
      return refuse('bad-payload', 'match:find takes { interests?: string[] }')
    const outcome = await store.find(id, now())
    switch (outcome.kind) {
      case 'already-chatting':
        return refuse('already-chatting', 'leave the current chat before searching')
      case 'unknown-user':
        return refuse('internal', 'session not registered; reconnect')
      case 'already-searching':
      case 'queued':
        return ok({ status: 'queued' })
      case 'matched':
        announcePair(outcome.pairing)
        return ok({ status: 'matched' })
    }
  })

  request('match:cancel', matchBucket, async (payload) => {
    if (payload !== undefined) return refuse('bad-payload', 'match:cancel takes no payload')
    return (await store.cancel(id)) ? ok() : refuse('not-searching', 'not searching')
  })

  request('match:leave', matchBucket, async (payload) => {
    const leave = validators.leaveRequest(payload)
    if (leave === null) return refuse('bad-payload', "match:leave takes { reason: 'left' | 'skipped' }")
    const ended = await store.leave(id, leave.reason)
    if (ended === null) return refuse('not-paired', 'not in a chat')
    announceEnd(ended)
    return ok()
  })

  request('signal:relay', signalBucket, async (payload) => {
    const signal = validators.signal(payload)
    if (signal === null) return refuse('bad-payload', 'not a valid offer, answer or candidate (SDP at most 16 KB)')
    const partner = socket.data.partner
    if (partner === null) return refuse('not-paired', 'no partner to relay to')
    ctx.deliver(partner, 'signal:relay', signal)
    metrics.relayedSignals.inc()
    return ok()
  })

  socket.onAny((event: unknown, ...args: unknown[]) => {
    if (typeof event === 'string' && clientEvents.has(event)) return
    const last = args[args.length - 1]
    const ack: AckFn = typeof last === 'function' ? (last as AckFn) : () => {}
    reject(ack, 'bad-payload', 'unknown event')
  })

  socket.on('disconnect', () => {
    ctx.onGone()
    ready
      .then(() => store.remove(id))
      .then(
        (ended) => {
          if (ended) announceEnd(ended)
        },
        (error: unknown) => logger.error({ err: error, user: id }, 'cleanup after disconnect failed'),
      )
  })
  return ready
}
