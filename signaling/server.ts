// createSignalingServer(config, deps): the HTTP server, socket.io and matchmaking wired together.
import { randomUUID } from 'node:crypto'
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Server, Socket } from 'socket.io'
import type { Config } from './config.ts'
import type { ClientToServerEvents, ServerToClientEvents } from '#protocol'
import { createCluster, type Cluster } from './cluster/cluster.ts'
import { createAdmission, type Admitted } from './admission.ts'
import { createConnectLimiter } from './connect-limiter.ts'
import { createHttpHandler } from './http.ts'
import { createLogger, type Logger } from './logger.ts'
import { createMetrics } from './metrics.ts'
import { createNameRegistry } from './names.ts'
import { lobbyRoom, startPresence } from './presence.ts'
import { localUsersOf } from './cluster/local-users.ts'
import { createHandover } from './resume/handover.ts'
import { startGraceSweeper } from './resume/sweeper.ts'
import { createMemoryStore } from './store/memory-store.ts'
import { StoreUnavailableError, type MatchStore, type UserId } from './store/store.ts'
import { iceServersFor, offersRelay } from './turn.ts'
import { startIceRefresh } from './ice-refresh.ts'
import { startFallbackTimer } from './match/fallback-timer.ts'
import { createValidators } from './validation.ts'
import { releaseHandshake } from './connection-memory.ts'
import { trackUpgradeRequests } from './upgrade-requests.ts'
import { createSessions, type InterServerEvents, type SessionData } from './session.ts'
import { createPartnerRoute } from './relay/partner-route.ts'
import { createStunServer } from './stun/stun-server.ts'
import { welcomeFor } from './welcome.ts'
import { createSocketServer } from './socket-server.ts'
import { createBlockList } from './store/blocks.ts'
import { createSafety } from './safety/safety.ts'
import { wireBanEnforcement } from './safety/ban-enforcement.ts'
import { createAdminApi } from './safety/admin-api.ts'

export type HushServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SessionData>
export type HushSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SessionData>

export interface Dependencies {
  /** A store of the caller's; otherwise Redis when REDIS_URL is set, else memory. */
  store?: MatchStore
  logger?: Logger
  now?: () => number
}

export interface SignalingServer {
  io: HushServer
  http: HttpServer
  /** Starts listening (HTTP, and STUN unless STUN_PORT=0); resolves with the bound HTTP port (useful with PORT=0). */
  listen(): Promise<number>
  /** The UDP port the built-in STUN server listens on; null when it is off or not listening. */
  stunPort(): number | null
  /** Graceful: refuses new connections, tells clients, closes them; resolves when done. */
  close(): Promise<void>
}

/**
 * A room of one socket that carries relays from a partner on another node: with the sharded
 * adapter its channel is subscribed by that socket's node only. Joined at connection, so it is
 * subscribed long before any partner can relay to it (a room joined when the pair is made would
 * be subscribed only after the partner's first signals: measured, they were lost). Replaced after
 * each chat with a remote partner, so a late signal from that chat can never reach the next one.
 */
const newRelayRoom = () => `r:${randomUUID()}`

export function createSignalingServer(config: Config, deps: Dependencies = {}): SignalingServer {
  const logger = deps.logger ?? createLogger(config.logLevel)
  const interestWaitMs = config.limits.interestWaitMs
  const cluster: Cluster | null =
    !deps.store && config.redisUrl ? createCluster(config.redisUrl, logger, interestWaitMs) : null
  const blocks = createBlockList()
  const store = deps.store ?? cluster?.store ?? createMemoryStore({ interestWaitMs, blocks })
  const now = deps.now ?? Date.now
  const validators = createValidators(config.limits)
  const names = createNameRegistry()
  const sockets = new Map<UserId, HushSocket>()
  let closing = false
  const metrics = createMetrics(
    () => sockets.size,
    // In a cluster, the totals of the last presence tick: scraping an open endpoint costs Redis nothing.
    () => (cluster ? broadcaster.latest() : store.counts()),
    () => safety.activeBans(),
  )

  const readiness = () => (closing ? 'shutting-down' : (cluster?.readiness() ?? 'ok'))
  const admin = config.safety.adminToken ? createAdminApi(config.safety.adminToken, () => safety, now) : null
  const http = createServer(createHttpHandler(config.staticDir, metrics.registry, readiness, admin))
  const io = createSocketServer(http, config, {
    closing: () => closing,
    originRefused: () => metrics.countRejection('origin-refused'),
  })
  if (cluster) io.adapter(cluster.adapter)
  const enforceBan = wireBanEnforcement(io, sockets, cluster !== null)
  const redis = cluster?.redis ?? null
  const safety = createSafety({ config, redis, blocks, validators, metrics, logger, now, enforceBan })

  const stun =
    config.stunPort === 0
      ? null
      : createStunServer(config.stunHost, config.stunPort, (outcome) => metrics.stunRequests.inc({ outcome }), logger)
  const upgrades = trackUpgradeRequests(io, config, stun !== null, logger)

  const fallbacks = startFallbackTimer(
    async (nowMs) => {
      for (const pairing of await store.fallback(nowMs)) sessions.announcePair(pairing)
    },
    now,
    (error) => {
      if (error instanceof StoreUnavailableError) logger.warn({ reason: error.message }, 'fallback sweep failed')
      else logger.error({ err: error }, 'fallback sweep failed')
    },
  )

  const sessions = createSessions({
    config,
    store,
    fallbacks,
    safety,
    serializeMatchRequests: cluster !== null,
    validators,
    metrics,
    logger,
    now,
    notify(user, notice) {
      const socket = sockets.get(user)
      if (socket) sessions.apply(socket, notice)
      else if (cluster) io.serverSideEmit('hush:notice', user, notice)
    },
    toPartner: createPartnerRoute(sockets, cluster ? (room) => io.to(room) : null),
    chatEnded(socket, partner) {
      // A local partner's signals never went through the room: it stays.
      if (!cluster || sockets.has(partner) || !socket.connected) return
      void socket.leave(socket.data.relayRoom)
      socket.data.relayRoom = newRelayRoom()
      void socket.join(socket.data.relayRoom)
    },
    inLobby(socket, inLobby) {
      if (!inLobby) return void socket.leave(lobbyRoom)
      void socket.join(lobbyRoom)
      // Counts went unsent during the chat: bring the returning user up to date at once (in a
      // cluster, with the counts read at the last tick: a Redis read per chat end is not worth it).
      const counts = cluster ? Promise.resolve(broadcaster.latest()) : store.counts()
      counts.then(
        (latest) => socket.emit('presence:update', latest),
        (error: unknown) => logger.warn({ err: error }, 'presence read failed'),
      )
    },
    onGone(socket) {
      // A socket replaced by a resumed one leaves the map to its successor.
      if (sockets.get(socket.data.id) === socket) sockets.delete(socket.data.id)
      names.release(socket.data.name)
    },
    // A shutting-down node of a cluster hands its sessions on: another node can take them back.
    handsOffOnShutdown: () => cluster !== null,
  })

  // Notices for users of this node, sent by the node that made or ended their pair.
  io.on('hush:notice', (user, notice) => {
    const socket = sockets.get(user)
    if (socket) sessions.apply(socket, notice)
  })
  const handover = createHandover({
    sockets,
    broadcast: cluster ? (...resumed) => io.serverSideEmit('hush:resumed', ...resumed) : undefined,
  })
  io.on('hush:resumed', handover.apply)
  let sweeper: { stop(): void } | null = null

  const iceRefresh = offersRelay(config)
    ? startIceRefresh(
        config.turnTtlS,
        () => sockets.values(),
        (socket, nowMs) => iceServersFor(config, socket.data.id, nowMs, socket.data.stunUrl),
        (socket, iceServers) => socket.emit('session:ice', iceServers),
        now,
      )
    : null

  const admit = createAdmission({
    config,
    store,
    safety,
    connectLimiter: createConnectLimiter(config.connectRatePerMin, cluster?.redis ?? null),
    names,
    metrics,
    logger,
    isClosing: () => closing,
    newRelayRoom: () => (cluster ? newRelayRoom() : ''),
    now,
  })
  // Admitted sessions until their connection event: the welcome's token is kept nowhere else.
  const welcomes = new WeakMap<HushSocket, Admitted>()
  io.use((socket, next) => {
    const ip = upgrades.address(socket.conn, socket.handshake.address)
    admit(socket, ip, next, (admitted) => {
      sessions.init(socket, admitted, ip)
      welcomes.set(socket, admitted)
    })
  })

  io.on('connection', (socket) => {
    releaseHandshake(socket)
    const admitted = welcomes.get(socket)
    welcomes.delete(socket)
    const { id, chatId, relayRoom } = socket.data
    const joined = relayRoom === '' ? Promise.resolve() : Promise.resolve(socket.join(relayRoom))
    if (admitted?.resumed) handover.tookBack(socket, joined)
    sockets.set(id, socket)
    sessions.attach(socket)
    socket.data.stunUrl = upgrades.takeStunUrl(socket.conn)
    socket.emit('session:welcome', welcomeFor(config, socket.data, admitted, now()))
    if (chatId === null) void socket.join(lobbyRoom)
    // Counts that already include the newcomer.
    store.counts().then(
      (counts) => socket.emit('presence:update', counts),
      (error: unknown) => logger.warn({ err: error }, 'presence read failed'),
    )
  })

  const broadcaster = startPresence(
    () => store.counts(),
    // Each node sends the (global) counts to its own lobby sockets; chatting users don't see them.
    (next) => io.local.to(lobbyRoom).emit('presence:update', next),
    // An outage is logged by the Redis connections already; anything else is a bug.
    (error) => {
      if (error instanceof StoreUnavailableError) logger.debug({ err: error }, 'presence read failed')
      else logger.error({ err: error }, 'presence read failed')
    },
    () => io.of('/').adapter.rooms.get(lobbyRoom)?.size ?? 0,
  )

  return {
    io,
    http,
    stunPort: () => stun?.port() ?? null,
    async listen() {
      // First: a taken STUN port fails the start before this node registers anywhere.
      await stun?.start()
      await cluster?.start({
        localUsers: () => localUsersOf(sockets.values()),
        async resumeSearches() {
          const searching = [...sockets.values()].filter((socket) => socket.data.searchingSinceMs !== null)
          searching.sort((a, b) => (a.data.searchingSinceMs ?? 0) - (b.data.searchingSinceMs ?? 0))
          for (const socket of searching) await sessions.resumeSearch(socket)
        },
        onEnded: (ended) => ended.forEach(sessions.announceEnd),
        onFenced() {
          for (const socket of sockets.values()) {
            socket.emit('session:error', { code: 'unavailable', message: 'this server lost its place; reconnect' })
            socket.disconnect(true)
          }
        },
      })
      // The shared secret (from Redis once the cluster is up): before any connection is admitted.
      await safety.start()
      const { announceEnd } = sessions
      if (config.resumeGraceS > 0) sweeper = startGraceSweeper({ store, now, metrics, logger, announceEnd })
      return new Promise<number>((resolve, reject) => {
        http.once('error', reject)
        http.listen(config.port, config.host, () => {
          http.off('error', reject)
          resolve((http.address() as AddressInfo).port)
        })
      })
    },
    async close() {
      if (closing) return
      closing = true
      broadcaster.stop()
      fallbacks.stop()
      iceRefresh?.stop()
      sweeper?.stop()
      safety.close()
      // This node's clients only: a plain io.emit would reach every node's clients through the adapter.
      io.local.emit('session:error', { code: 'unavailable', message: 'server is shutting down' })
      await new Promise<void>((resolve) => {
        const forced = setTimeout(resolve, config.shutdownGraceMs)
        forced.unref()
        void io.close(() => {
          clearTimeout(forced)
          resolve()
        })
        http.closeAllConnections()
      })
      // Sessions held or ended by the disconnects above reach the store before the node retires.
      await sessions.settled()
      await stun?.close()
      await store.close()
      await cluster?.close()
    },
  }
}
