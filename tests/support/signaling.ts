// Test harness: a real signaling server on an ephemeral port and real socket.io clients.
import { io as connect, type Socket } from 'socket.io-client'
import { WebSocket } from 'ws'
import { loadConfig, type Config } from '../../signaling/config.ts'
import { createLogger } from '../../signaling/logger.ts'
import { createSignalingServer, type Dependencies, type SignalingServer } from '../../signaling/server.ts'
import type { ClientToServerEvents, Presence, ServerToClientEvents, Welcome } from '#protocol'

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>

export interface TestServer {
  server: SignalingServer
  config: Config
  url: string
  close(): Promise<void>
}

const started: TestServer[] = []
let redisUrl: string | null = null

/** Backs every test server started from now on with this Redis (null: in memory again). */
export function useRedisForTestServers(url: string | null): void {
  redisUrl = url
}
const clients: Client[] = []
const rawConnections: WebSocket[] = []
const latestPresence = new WeakMap<Client, Presence>()

export async function startTestServer(env: Record<string, string> = {}, deps: Dependencies = {}): Promise<TestServer> {
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    MAX_CONN_PER_IP: '0',
    CONNECT_RATE_PER_MIN: '0',
    STATIC_DIR: '/nonexistent',
    // Many servers run at once: none binds the STUN port unless its test gives it a free one.
    STUN_PORT: '0',
    // Floods and refusals are what many tests do: proof of work only where a test asks for it.
    POW: 'off',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...env,
  })
  const server = createSignalingServer(config, { logger: createLogger('silent'), ...deps })
  const port = await server.listen().catch(async (error: unknown) => {
    await server.close()
    throw error
  })
  const test: TestServer = { server, config, url: `http://127.0.0.1:${port}`, close: () => server.close() }
  started.push(test)
  return test
}

export interface ConnectOptions {
  origin?: string
  /** Sent as X-Forwarded-For: the client's address as a trusted proxy would report it (TRUST_PROXY). */
  forwardedFor?: string
  /** Sent as the Host header: the name a browser would have reached the server by. */
  host?: string
  /** The handshake's `auth` (e.g. `{ resume: token }`); anything, for malformed-input tests. */
  auth?: Record<string, unknown>
}

const headersFor = ({ origin, forwardedFor, host }: ConnectOptions): Record<string, string> | undefined =>
  origin || forwardedFor || host !== undefined
    ? {
        ...(origin ? { origin } : {}),
        ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
        ...(host !== undefined ? { host } : {}),
      }
    : undefined

/** Connects one client and waits for its welcome. */
export async function connectClient(
  server: Pick<TestServer, 'url'>,
  options: ConnectOptions = {},
): Promise<Client & { welcome: Welcome }> {
  const socket: Client = connect(server.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: headersFor(options),
    ...(options.auth ? { auth: options.auth } : {}),
  })
  clients.push(socket)
  socket.on('presence:update', (presence) => latestPresence.set(socket, presence))
  const welcome = await nextEvent(socket, 'session:welcome')
  return Object.assign(socket, { welcome })
}

/** Connects again with a session's resume token (anything, for malformed-input tests) and waits for the welcome. */
export const resumeClient = (server: Pick<TestServer, 'url'>, token: unknown, options: ConnectOptions = {}) =>
  connectClient(server, { ...options, auth: { resume: token } })

/** Closes the WebSocket under the client, as a lost network does: the server sees 'transport close'. */
export function dropConnection(client: Client): Promise<void> {
  const gone = new Promise<void>((resolve) => client.once('disconnect', () => resolve()))
  client.io.engine.close()
  return gone
}

/** Tries to connect from a browser at `origin`; resolves true when the server refused the connection, false when let in. */
export async function refusedFrom(server: Pick<TestServer, 'url'>, origin: string): Promise<boolean> {
  const socket: Client = connect(server.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { origin },
  })
  const refused = await new Promise<boolean>((resolve) => {
    socket.once('connect_error', () => resolve(true))
    socket.once('connect', () => resolve(false))
  })
  socket.close()
  return refused
}

export const connectClients = (server: Pick<TestServer, 'url'>, count: number) =>
  Promise.all(Array.from({ length: count }, () => connectClient(server)))

/** Resolves with the first payload of the event, or rejects after the timeout. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: Client,
  event: E,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs)
    const listener = ((payload: Parameters<ServerToClientEvents[E]>[0]) => {
      clearTimeout(timer)
      resolve(payload)
    }) as unknown as ServerToClientEvents[E]
    socket.once(event, listener as never)
  })
}

/** True when the event does not arrive within the window (used to prove something was NOT delivered). */
export function quiet(socket: Client, event: keyof ServerToClientEvents, windowMs = 200): Promise<boolean> {
  return new Promise((resolve) => {
    const listener = () => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = setTimeout(() => {
      socket.off(event, listener)
      resolve(true)
    }, windowMs)
    socket.once(event, listener)
  })
}

export interface AckResult<T = unknown> {
  error: { code: string; message: string } | null
  data?: T
}

/** Emits with an ack and resolves with `{ error, data }`; accepts any payload, for malformed-input tests. */
export function request<T = unknown>(socket: Client, event: string, ...args: unknown[]): Promise<AckResult<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), 5000)
    const raw = socket as unknown as { emit(event: string, ...args: unknown[]): void }
    raw.emit(event, ...args, (error: AckResult['error'], data?: T) => {
      clearTimeout(timer)
      resolve({ error, data })
    })
  })
}

/** Makes a pair: a searches, then b; resolves once both have match:found. */
export async function pair(a: Client, b: Client) {
  const foundA = nextEvent(a, 'match:found')
  const foundB = nextEvent(b, 'match:found')
  const first = await request(a, 'match:find', {})
  if (first.error) throw new Error(`a could not search: ${first.error.code}`)
  const second = await request(b, 'match:find', {})
  if (second.error) throw new Error(`b could not search: ${second.error.code}`)
  return { a: await foundA, b: await foundB }
}

export async function closeAll(): Promise<void> {
  for (const client of clients.splice(0)) client.disconnect()
  for (const ws of rawConnections.splice(0)) ws.terminate()
  await Promise.all(started.splice(0).map((server) => server.close()))
}

/** Resolves when a presence:update satisfies the predicate (events, not sleeps). */
export function presenceWhere(
  socket: Client,
  predicate: (presence: Parameters<ServerToClientEvents['presence:update']>[0]) => boolean,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents['presence:update']>[0]> {
  const latest = latestPresence.get(socket)
  if (latest && predicate(latest)) return Promise.resolve(latest)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('presence:update', listener)
      reject(new Error('presence never matched'))
    }, timeoutMs)
    const listener = (presence: Parameters<ServerToClientEvents['presence:update']>[0]) => {
      if (!predicate(presence)) return
      clearTimeout(timer)
      socket.off('presence:update', listener)
      resolve(presence)
    }
    socket.on('presence:update', listener)
  })
}

/** A client speaking Engine.IO v4 / Socket.IO v5 text packets itself, for what socket.io-client never sends. */
export interface RawConnection {
  /** Every text frame the server sent, in order (pings answered already). */
  frames: string[]
  send(text: string): void
  /** Resolves once the server has closed the WebSocket. */
  closed: Promise<void>
  /** True while the WebSocket is open. */
  open(): boolean
  /** Calls the listener with every later frame. */
  onFrame(listener: (text: string) => void): void
}

/** Opens a WebSocket to the server's engine.io endpoint; resolves once the Engine.IO open packet arrived. */
export async function rawConnection(
  server: Pick<TestServer, 'url'>,
  headers: Record<string, string> = {},
): Promise<RawConnection> {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers })
  rawConnections.push(ws)
  const frames: string[] = []
  const listeners: Array<(text: string) => void> = []
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()))
  ws.on('error', () => {}) // a refused or reset connection shows up as 'close'
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      const text = data.toString()
      if (text === '2') return ws.send('3') // Engine.IO ping → pong
      frames.push(text)
      if (text.startsWith('0')) resolve()
      for (const listener of listeners) listener(text)
    })
    void closed.then(() => reject(new Error('closed before the Engine.IO open packet')))
  })
  await opened
  return {
    frames,
    send: (text) => ws.send(text),
    closed,
    open: () => ws.readyState === WebSocket.OPEN,
    onFrame: (listener) => void listeners.push(listener),
  }
}

/** Reads one line of /metrics (e.g. `hush_rejected_total{code="bad-payload"}`): its value, or 0 when absent. */
export async function metric(server: Pick<TestServer, 'url'>, series: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text()
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `))
  return line ? Number(line.slice(series.length + 1)) : 0
}
