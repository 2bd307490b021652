// Connected users' request handlers: validate, rate-limit, act on the store, answer every ack.
// The handlers are shared by all sockets (socket.io calls them with `this` = the socket) and keep
// per-user state in `socket.data`, so a connection costs a few numbers, not a dozen closures.
// A pair's news reaches each side through pair-notices.ts.
import type { ClientEventName, ErrorCode, ProtocolError } from '#protocol'
import { anyone, StoreUnavailableError } from './store/store.ts'
import { fullBucket, takeToken } from '#protocol/token-bucket.ts'
import { abuseAllowance, createAbuseGuard } from './abuse.ts'
import type { Admitted } from './admission.ts'
import { createPairNotices } from './pair-notices.ts'
import { createFrameRelay } from './relay/frame-relay.ts'
import { createDepartures } from './resume/departure.ts'
import type { Handler, Outcome, SessionContext, SessionSocket } from './session-types.ts'

export type {
  InterServerEvents,
  PairNotice,
  ResumedChat,
  SessionContext,
  SessionData,
  SessionSocket,
} from './session-types.ts'

type AckFn = (error: ProtocolError | null, data?: unknown) => void
/** The events answered through an ack; relay:frame has its own path (relay/frame-relay.ts). */
type RequestEvent = Exclude<ClientEventName, 'relay:frame'>

const refuse = (error: ErrorCode, message: string): Outcome => ({ error, message })
const ok = (data?: unknown): Outcome => ({ data })
const noAck: AckFn = () => {}

export function createSessions(ctx: SessionContext) {
  const { store, validators, metrics, logger, now, config, safety } = ctx
  const holdAgainst = createAbuseGuard(logger, now)
  const relayFrame = createFrameRelay(ctx, holdAgainst)

  function reject(socket: SessionSocket, ack: AckFn, code: ErrorCode, message: string): void {
    metrics.countRejection(code)
    ack({ code, message })
    // A client that floods or sends what no honest app sends is asked for proof of work for a while
    // (POW=auto); the races honest clients meet (a late candidate after a skip: not-paired) are not held.
    if (code === 'rate-limited' || code === 'bad-payload') safety.pow.flag(socket.data.ip, now())
    holdAgainst(socket, code)
  }

  function answer(socket: SessionSocket, ack: AckFn, outcome: Outcome): void {
    if (!('error' in outcome)) return ack(null, outcome.data)
    if (!outcome.expected) return reject(socket, ack, outcome.error, outcome.message)
    metrics.countRejection(outcome.error)
    const { error: code, message, data } = outcome
    ack(data === undefined ? { code, message } : { code, message, data })
  }

  function failed(socket: SessionSocket, ack: AckFn, event: string, error: unknown): void {
    if (error instanceof StoreUnavailableError) {
      logger.warn({ event, user: socket.data.id, reason: error.message }, 'store unavailable')
      metrics.countRejection('unavailable')
      return ack({ code: 'unavailable', message: 'matchmaking is unavailable; retry soon' })
    }
    logger.error({ err: error, event, user: socket.data.id }, 'handler failed')
    reject(socket, ack, 'internal', 'internal error; please retry')
  }

  const { announcePair, announceEnd, clearChat, forgetChat, apply, resumeSearch } = createPairNotices(
    ctx,
    inTurnIfNeeded,
  )

  const handlers: Record<RequestEvent, { bucket: 'match' | 'signal' | 'safety'; handle: Handler }> = {
    'match:find': {
      bucket: 'match',
      async handle(socket, payload) {
        const find = validators.findRequest(payload)
        if ('problem' in find) return refuse('bad-payload', find.problem)
        const { search } = find
        const startedMs = now()
        safety.pow.counted(startedMs)
        if (safety.pow.required(socket.data.ip, startedMs)) {
          const refusal = await safety.pow.refusal(find.pow, startedMs)
          if (refusal !== null) {
            metrics.powRequired.inc()
            const data = { challenge: await safety.pow.challenge(startedMs) }
            return { error: 'pow-required', message: refusal, expected: true, data }
          }
        }
        const cachedChat = socket.data.chatId
        const outcome = await store.find(socket.data.id, startedMs, socket.data.relayRoom, search)
        // A search the store accepted proves that a chat still cached here ended and its notice was
        // lost; the relay room went to the store with this find, so it stays.
        const searched = outcome.kind === 'queued' || outcome.kind === 'already-searching' || outcome.kind === 'matched'
        if (searched && cachedChat !== null) forgetChat(socket, cachedChat)
        if (outcome.kind === 'queued') {
          socket.data.search = search
          if (outcome.fallbackAtMs !== undefined) ctx.fallbacks.schedule(socket.data.id, outcome.fallbackAtMs)
        }
        switch (outcome.kind) {
          case 'already-chatting':
            return refuse('already-chatting', 'leave the current chat before searching')
          case 'unknown-user':
            // Redis lost its data and this node has not rebuilt yet, or the node was reaped before it
            // fenced itself: either way the rebuild or a reconnect is coming, and it is no fault of the client.
            return { ...refuse('unavailable', 'matchmaking is rebuilding; retry soon'), expected: true }
          case 'already-searching':
          case 'queued':
            // Unless a partner's node already paired this user while the answer was on its way.
            if (socket.data.chatId === null) socket.data.searchingSinceMs ??= startedMs
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
        const cancelled = await store.cancel(socket.data.id)
        if (cancelled) {
          socket.data.searchingSinceMs = null
          ctx.fallbacks.forget(socket.data.id)
        }
        return cancelled ? ok() : refuse('not-searching', 'not searching')
      },
    },
    'match:leave': {
      bucket: 'match',
      async handle(socket, payload) {
        const leave = validators.leaveRequest(payload)
        if (leave === null) return refuse('bad-payload', "match:leave takes { reason: 'left' | 'skipped' }")
        const cachedChat = socket.data.chatId
        const ended = await store.leave(socket.data.id, leave.reason)
        if (ended === null) {
          // A chat still cached here ended and its notice was lost (pub/sub is at most once).
          if (cachedChat !== null) clearChat(socket, cachedChat)
          // Both sides often leave at once (a skip, a lost connection): the second one is no abuse.
          return { ...refuse('not-paired', 'not in a chat'), expected: true }
        }
        clearChat(socket, ended.chatId)
        announceEnd(ended)
        return ok()
      },
    },
    'signal:relay': {
      bucket: 'signal',
      // Synchronous on purpose: the relay hot path allocates no promise.
      handle(socket, payload) {
        const signal = validators.signal(payload)
        if (signal === null) return refuse('bad-payload', 'not a valid offer, answer or candidate (SDP at most 16 KB)')
        const { partner, chatId } = socket.data
        if (partner === null || chatId === null) return refuse('not-paired', 'no partner to relay to')
        ctx.toPartner(socket, partner, chatId)?.emit('signal:relay', signal)
        metrics.relayedSignals.inc()
        return ok()
      },
    },
    'safety:report': { bucket: 'safety', handle: safety.report },
    'safety:block': { bucket: 'safety', handle: safety.block },
  }

  const isRequestEvent = (event: unknown): event is RequestEvent =>
    typeof event === 'string' && Object.prototype.hasOwnProperty.call(handlers, event)

  /** The one listener of every socket (socket.onAny): never throws, always answers the ack. */
  function onEvent(this: SessionSocket, event: unknown, ...args: unknown[]): void {
    dispatch(this, event, args)
  }

  function dispatch(socket: SessionSocket, event: unknown, args: unknown[]): void {
    if (event === 'relay:frame') return relayFrame(socket, args)
    const last = args[args.length - 1]
    const ack = typeof last === 'function' ? (args.pop() as AckFn) : noAck
    if (!isRequestEvent(event)) return reject(socket, ack, 'bad-payload', 'unknown event')
    const { bucket, handle } = handlers[event]
    if (!takeToken(socket.data[bucket], config.limits[bucket], now())) {
      return reject(socket, ack, 'rate-limited', `too many ${event} requests; slow down`)
    }
    if (args.length > 1) return reject(socket, ack, 'bad-payload', `${event} takes at most one argument`)
    if (bucket === 'match' && ctx.serializeMatchRequests) {
      return inTurn(socket, () => settle(socket, ack, event, handle, args[0]))
    }
    try {
      const outcome = handle(socket, args[0])
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

  async function settle(socket: SessionSocket, ack: AckFn, event: string, handle: Handler, payload: unknown) {
    try {
      answer(socket, ack, await handle(socket, payload))
    } catch (error) {
      failed(socket, ack, event, error)
    }
  }

  /**
   * Runs a socket's match:* requests one after another, so each reads the socket's chat and relay room
   * only once the earlier ones have applied their outcome (a find sent right behind a leave must hand
   * out the room the leave moved the socket to). Nothing is kept for a socket with no request under way.
   */
  function inTurn(socket: SessionSocket, task: () => Promise<void>): void {
    const { data } = socket
    // Tasks never reject (settle and resumeSearch's task catch their errors): one handler each suffices.
    const tail = data.matchTail ? data.matchTail.then(task) : task()
    data.matchTail = tail
    void tail.then(() => {
      if (data.matchTail === tail) data.matchTail = null
    })
  }

  /** In turn with the socket's match requests where they wait for each other (a cluster), else at once. */
  function inTurnIfNeeded(socket: SessionSocket, task: () => Promise<void>): void {
    if (ctx.serializeMatchRequests) inTurn(socket, task)
    else void task()
  }

  const departures = createDepartures({
    store,
    logger,
    graceMs: config.resumeGraceS * 1000,
    now,
    handsOffOnShutdown: ctx.handsOffOnShutdown,
    announceEnd,
  })

  function onDisconnect(this: SessionSocket, reason: string): void {
    ctx.onGone(this)
    ctx.fallbacks.forget(this.data.id)
    departures.leave(this.data, reason)
  }

  return {
    apply,
    announcePair,
    announceEnd,
    resumeSearch,
    settled: departures.settled,
    /** Fills an admitted user's session, new or taken back; the store already knows them (see admission.ts). */
    init(socket: SessionSocket, { id, name, resumeKey, relayRoom, resumed }: Admitted, ip: string): void {
      const nowMs = now()
      const chat = resumed?.chat ?? null
      socket.data = {
        id,
        name,
        ip,
        partner: chat?.partner ?? null,
        partnerRoom: chat?.partnerRoom ?? '',
        relayRoom,
        stunUrl: '',
        resumeKey,
        replaced: false,
        iceExpiresAtMs: nowMs + config.turnTtlS * 1000,
        chatId: chat?.chatId ?? null,
        lastPartner: resumed?.lastPartner ?? null,
        endedChatId: null,
        searchingSinceMs: null,
        search: anyone,
        matchTail: null,
        match: fullBucket(config.limits.match, nowMs),
        signal: fullBucket(config.limits.signal, nowMs),
        abuse: fullBucket(abuseAllowance, nowMs),
        relay: null,
        safety: fullBucket(config.limits.safety, nowMs),
        addressHash: safety.hash(ip),
      }
    },
    /** Wires the shared handlers once the connection is established. */
    attach(socket: SessionSocket): void {
      logger.debug({ user: socket.data.id }, 'connected')
      socket.onAny(onEvent)
      socket.on('disconnect', onDisconnect)
    },
  }
}

export type Sessions = ReturnType<typeof createSessions>
