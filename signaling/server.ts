// createSignalingServer(config, deps): the HTTP server, socket.io and matchmaking wired together.
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { Server, type Socket } from 'socket.io'
import type { Config } from './config.ts'
import type { ClientToServerEvents, ServerToClientEvents } from './protocol.ts'
import { clientIp, createIpCounter, originAllowed } from './connection-guard.ts'
import { createHttpHandler } from './http.ts'
import { createLogger, type Logger } from './logger.ts'
import { createMetrics } from './metrics.ts'
import { createNameRegistry } from './names.ts'
import { lobbyRoom, startPresence } from './presence.ts'
import { createMemoryStore } from './store/memory-store.ts'
import type { MatchStore, UserId } from './store/store.ts'
import { iceServersFor, offersRelay } from './turn.ts'
import { startIceRefresh } from './ice-refresh.ts'
import { createValidators } from './validation.ts'
import { coalesceWrites } from './write-coalescing.ts'
import { createSessions, type SessionData } from './session.ts'

export type HushServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SessionData>
export type HushSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SessionData>

export interface Dependencies {
  store?: MatchStore
  logger?: Logger
  now?: () => number
}

export interface SignalingServer {
  io: HushServer
  http: HttpServer
  /** Starts listening; resolves with the bound port (useful with PORT=0). */
  listen(): Promise<number>
  /** Graceful: refuses new connections, tells clients, closes them; resolves when done. */
  close(): Promise<void>
}

/** Signaling needs ~16 KB (one SDP); anything bigger is refused by engine.io before parsing. */
const maxHttpBufferSize = 20 * 1024

export function createSignalingServer(config: Config, deps: Dependencies = {}): SignalingServer {
  const logger = deps.logger ?? createLogger(config.logLevel)
  const store = deps.store ?? createMemoryStore()
  const now = deps.now ?? Date.now
  const validators = createValidators(config.limits)
  const names = createNameRegistry()
  const ipCounter = createIpCounter(config.maxConnPerIp)
  const sockets = new Map<UserId, HushSocket>()
  let closing = false
  const metrics = createMetrics(
    () => sockets.size,
    () => store.counts(),
  )

  const http = createServer(createHttpHandler(config.staticDir, metrics.registry, () => !closing))
  const io: HushServer = new Server(http, {
    // WebSocket only: no long-polling state per client, and no sticky sessions needed behind a load balancer.
    transports: ['websocket'],
    maxHttpBufferSize,
    perMessageDeflate: false,
    httpCompression: false,
    serveClient: false,
    pingInterval: 25_000,
    pingTimeout: 20_000,
    connectTimeout: 10_000,
    cors: config.corsOrigins.length > 0 ? { origin: [...config.corsOrigins] } : undefined,
    allowRequest(req, callback) {
      if (closing) return callback('unavailable', false)
      if (originAllowed(req.headers.origin, req.headers.host, config.corsOrigins)) return callback(null, true)
      metrics.countRejection('origin-refused')
      callback('origin-refused', false)
    },
  })

  // Keep only the client's address from the upgrade request, then let the request go (socket.io memory
  // notes). engine.io's WebSocketResponse also holds it for the connection's life through a 'close'
  // listener, so that reference is cut too: ~1.5 KB per connection.
  const addresses = new WeakMap<object, string>()
  const upgradeResponses = new WeakMap<object, { req: unknown }>()
  io.engine.use((req: object, res: { req: unknown }, next: () => void) => {
    upgradeResponses.set(req, res)
    next()
  })
  let coalescingWarned = false
  io.engine.on('connection', (raw: { request: IncomingMessage | null }) => {
    if (!coalesceWrites(raw) && !coalescingWarned) {
      coalescingWarned = true
      logger.warn('engine.io transport shape changed: write coalescing is off')
    }
    const request = raw.request
    if (!request) return
    addresses.set(raw, clientIp(request.headers, request.socket.remoteAddress, config.trustProxyHops))
    const response = upgradeResponses.get(request)
    if (response) response.req = null
    raw.request = null
  })

  io.use((socket, next) => {
    const ip = addresses.get(socket.conn) ?? socket.handshake.address
    if (closing)
      return next(
        Object.assign(new Error('unavailable'), { data: { code: 'unavailable', message: 'server is shutting down' } }),
      )
    if (!ipCounter.tryAcquire(ip)) {
      metrics.countRejection('too-many-connections')
      return next(
        Object.assign(new Error('too-many-connections'), {
          data: { code: 'too-many-connections', message: `at most ${config.maxConnPerIp} connections per address` },
        }),
      )
    }
    socket.data.ip = ip
    next()
  })

  const deliver = <E extends keyof ServerToClientEvents>(
    user: UserId,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void => {
    sockets.get(user)?.emit(event, ...args)
  }

  const sessions = createSessions({
    config,
    store,
    validators,
    metrics,
    logger,
    now,
    deliver,
    lookup: (user) => sockets.get(user),
    inLobby(socket, inLobby) {
      if (!inLobby) return void socket.leave(lobbyRoom)
      void socket.join(lobbyRoom)
      // Counts went unsent during the chat: bring the returning user up to date at once.
      store.counts().then(
        (counts) => socket.emit('presence:update', counts),
        (error: unknown) => logger.warn({ err: error }, 'presence read failed'),
      )
    },
    onGone(socket) {
      sockets.delete(socket.data.id)
      names.release(socket.data.name)
      ipCounter.release(socket.data.ip)
    },
  })

  io.on('connection', (socket) => {
    const id = randomBytes(16).toString('base64url')
    const name = names.take()
    sockets.set(id, socket)
    sessions
      .attach(socket, id, name, socket.data.ip)
      // Welcome only once the store knows the user, with counts that already include them.
      .then(async () => {
        socket.emit('session:welcome', {
          id,
          name,
          iceServers: iceServersFor(config, id, now()),
          relayOnly: offersRelay(config),
          limits: config.limits,
        })
        void socket.join(lobbyRoom)
        socket.emit('presence:update', await store.counts())
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'could not register a connection')
        socket.emit('session:error', { code: 'unavailable', message: 'matchmaking is unavailable; retry soon' })
        socket.disconnect(true)
      })
  })

  const iceRefresh = offersRelay(config)
    ? startIceRefresh(
        config.turnTtlS,
        () => sockets.values(),
        (socket, nowMs) => iceServersFor(config, socket.data.id, nowMs),
        (socket, iceServers) => socket.emit('session:ice', iceServers),
        now,
      )
    : null

  const broadcaster = startPresence(
    () => store.counts(),
    // Each node sends the (global) counts to its own lobby sockets; chatting users don't see them.
    (next) => {
      io.local.to(lobbyRoom).emit('presence:update', next)
      return io.of('/').adapter.rooms.get(lobbyRoom)?.size ?? 0
    },
    (error) => logger.error({ err: error }, 'presence read failed'),
  )

  return {
    io,
    http,
    listen: () =>
      new Promise((resolve, reject) => {
        http.once('error', reject)
        http.listen(config.port, config.host, () => {
          http.off('error', reject)
          resolve((http.address() as AddressInfo).port)
        })
      }),
    async close() {
      if (closing) return
      closing = true
      broadcaster.stop()
      iceRefresh?.stop()
      io.emit('session:error', { code: 'unavailable', message: 'server is shutting down' })
      await new Promise<void>((resolve) => {
        const forced = setTimeout(resolve, config.shutdownGraceMs)
        forced.unref()
        void io.close(() => {
          clearTimeout(forced)
          resolve()
        })
        http.closeAllConnections()
      })
      await store.close()
    },
  }
}
