// Connected users' request handlers: validate, rate-limit, act on the store, answer every ack.
// The handlers are shared by all sockets (socket.io calls them with `this` = the socket) and keep
// per-user state in `socket.data`, so a connection costs a few numbers, not a dozen closures.
import type { Socket } from 'socket.io'
import type { Config } from './config.ts'
import type { Logger } from './logger.ts'
import type { Metrics } from './metrics.ts'
import type {
  ClientEventName,
  ClientToServerEvents,
  ErrorCode,
  ProtocolError,
  RateLimit,
  ServerToClientEvents,
} from './protocol.ts'
import type { Ended, MatchStore, Pairing, UserId } from './store/store.ts'
import type { Validators } from './validation.ts'
import { fullBucket, takeToken, type Bucket } from './token-bucket.ts'

export interface SessionData {
  id: UserId
  name: string
  ip: string
  /** The partner of the current chat, cached here so relaying never waits on the store. */
  partner: UserId | null
  /** When the TURN credentials sent to this user expire (ms since the epoch). */
  iceExpiresAtMs: number
  /** Pending until the store has registered the user; null afterwards. */
  registering: Promise<void> | null
  match: Bucket
  signal: Bucket
  abuse: Bucket
}

export type SessionSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SessionData>

export interface SessionContext {
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
  /** Moves a local socket in or out of the lobby, the room that receives presence counts. */
  inLobby(socket: SessionSocket, inLobby: boolean): void
  onGone(socket: SessionSocket): void
}

type AckFn = (error: ProtocolError | null, data?: unknown) => void
type Outcome = { error: ErrorCode; message: string } | { data?: unknown }
type Handler = (socket: SessionSocket, payload: unknown) => Promise<Outcome> | Outcome

const refuse = (error: ErrorCode, message: string): Outcome => ({ error, message })
const ok = (data?: unknown): Outcome => ({ data })
const noAck: AckFn = () => {}

/** Sustained abuse: refusals beyond this allowance (refilled 1/s) end the connection. */
const abuseAllowance: RateLimit = { burst: 30, perSecond: 1 }

export function createSessions(ctx: SessionContext) {
  const { store, validators, metrics, logger, now, config } = ctx

  function reject(socket: SessionSocket, ack: AckFn, code: ErrorCode, message: string): void {
    metrics.countRejection(code)
    ack({ code, message })
    if (!takeToken(socket.data.abuse, abuseAllowance, now()) && socket.connected) {
      logger.warn({ user: socket.data.id, code }, 'disconnecting an abusive client')
      socket.emit('session:error', { code: 'rate-limited', message: 'too many refused requests; disconnected' })
      socket.disconnect(true)
    }
  }

  function answer(socket: SessionSocket, ack: AckFn, outcome: Outcome): void {
    if ('error' in outcome) reject(socket, ack, outcome.error, outcome.message)
    else ack(null, outcome.data)
  }

  function failed(socket: SessionSocket, ack: AckFn, event: string, error: unknown): void {
    logger.error({ err: error, event, user: socket.data.id }, 'handler failed')
    reject(socket, ack, 'internal', 'internal error; please retry')
  }

  function announcePair(pairing: Pairing): void {
    const { chatId, initiator, responder } = pairing
    logger.debug({ chatId, waitedMs: pairing.waitedMs }, 'paired')
    metrics.matches.inc()
    metrics.matchWait.observe(pairing.waitedMs / 1000)
    metrics.matchWait.observe(0)
    for (const [self, other, isInitiator] of [
      [initiator, responder, true],
      [responder, initiator, false],
    ] as const) {
      const selfSocket = ctx.lookup(self.id)
      if (selfSocket) {
        selfSocket.data.partner = other.id
        ctx.inLobby(selfSocket, false)
      }
      ctx.deliver(self.id, 'match:found', { chatId, initiator: isInitiator, partner: { name: other.name } })
    }
  }

  function announceEnd(socket: SessionSocket, ended: Ended): void {
    socket.data.partner = null
    if (socket.connected) ctx.inLobby(socket, true)
    const partnerSocket = ctx.lookup(ended.partner)
    if (partnerSocket) {
      partnerSocket.data.partner = null
      ctx.inLobby(partnerSocket, true)
    }
    ctx.deliver(ended.partner, 'match:ended', { chatId: ended.chatId, reason: ended.reason })
  }

  const handlers: Record<ClientEventName, { bucket: 'match' | 'signal'; handle: Handler }> = {
    'match:find': {
      bucket: 'match',
      async handle(socket, payload) {
        if (validators.findRequest(payload) === null) {
          return refuse('bad-payload', 'match:find takes { interests?: string[] }')
        }
        const outcome = await store.find(socket.data.id, now())
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
      },
    },
    'match:cancel': {
      bucket: 'match',
      async handle(socket, payload) {
        if (payload !== undefined) return refuse('bad-payload', 'match:cancel takes no payload')
        return (await store.cancel(socket.data.id)) ? ok() : refuse('not-searching', 'not searching')
      },
    },
    'match:leave': {
      bucket: 'match',
      async handle(socket, payload) {
        const leave = validators.leaveRequest(payload)
        if (leave === null) return refuse('bad-payload', "match:leave takes { reason: 'left' | 'skipped' }")
        const ended = await store.leave(socket.data.id, leave.reason)
        if (ended === null) return refuse('not-paired', 'not in a chat')
        announceEnd(socket, ended)
        return ok()
      },
    },
    'signal:relay': {
      bucket: 'signal',
      // Synchronous on purpose: the relay hot path allocates no promise.
      handle(socket, payload) {
        const signal = validators.signal(payload)
        if (signal === null) return refuse('bad-payload', 'not a valid offer, answer or candidate (SDP at most 16 KB)')
        const partner = socket.data.partner
        if (partner === null) return refuse('not-paired', 'no partner to relay to')
        ctx.deliver(partner, 'signal:relay', signal)
        metrics.relayedSignals.inc()
        return ok()
      },
    },
  }

  const isClientEvent = (event: unknown): event is ClientEventName =>
    typeof event === 'string' && Object.prototype.hasOwnProperty.call(handlers, event)

  /** The one listener of every socket (socket.onAny): never throws, always answers the ack. */
  function onEvent(this: SessionSocket, event: unknown, ...args: unknown[]): void {
    dispatch(this, event, args)
  }

  function dispatch(socket: SessionSocket, event: unknown, args: unknown[]): void {
    const last = args[args.length - 1]
    const ack = typeof last === 'function' ? (args.pop() as AckFn) : noAck
    if (!isClientEvent(event)) return reject(socket, ack, 'bad-payload', 'unknown event')
    const { bucket, handle } = handlers[event]
    if (!takeToken(socket.data[bucket], config.limits[bucket], now())) {
      return reject(socket, ack, 'rate-limited', `too many ${event} requests; slow down`)
    }
    if (args.length > 1) return reject(socket, ack, 'bad-payload', `${event} takes at most one argument`)
    const run = () => handle(socket, args[0])
    try {
      const outcome = socket.data.registering ? socket.data.registering.then(run) : run()
      if ('then' in outcome) {
        outcome.then(
          (result) => answer(socket, ack, result),
          (error: unknown) => failed(socket, ack, event, error),
        )
      } else {
        answer(socket, ack, outcome)
      }
    } catch (error) {
      failed(socket, ack, event, error)
    }
  }

  function onDisconnect(this: SessionSocket): void {
    cleanUp(this)
  }

  function cleanUp(socket: SessionSocket): void {
    logger.debug({ user: socket.data.id }, 'disconnected')
    ctx.onGone(socket)
    const remove = () => store.remove(socket.data.id)
    ;(socket.data.registering ? socket.data.registering.then(remove) : remove()).then(
      (ended) => {
        if (ended) announceEnd(socket, ended)
      },
      (error: unknown) => logger.error({ err: error, user: socket.data.id }, 'cleanup after disconnect failed'),
    )
  }

  return {
    /** Registers the user and wires the shared handlers; resolves once the store knows the user. */
    attach(socket: SessionSocket, id: UserId, name: string, ip: string): Promise<void> {
      const nowMs = now()
      const registering = store.add({ id, name })
      socket.data = {
        id,
        name,
        ip,
        partner: null,
        iceExpiresAtMs: nowMs + config.turnTtlS * 1000,
        registering,
        match: fullBucket(config.limits.match, nowMs),
        signal: fullBucket(config.limits.signal, nowMs),
        abuse: fullBucket(abuseAllowance, nowMs),
      }
      logger.debug({ user: id }, 'connected')
      socket.onAny(onEvent)
      socket.on('disconnect', onDisconnect)
      return registering.then(() => {
        socket.data.registering = null
      })
    },
  }
}
