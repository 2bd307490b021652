// A bench load process: holds many socket.io clients and runs the search → match → 3+3 signals
// → leave cycle on command from the orchestrator (bench/signaling.ts). One process stays far below
// the 20,000 open-files cap.
import { performance } from 'node:perf_hooks'
import { WebSocket } from 'ws'
import { searchesFor, type SearchMix } from './interests-load.ts'

export type WorkerCommand =
  /** Connects `count` more clients, spread round-robin over the nodes' URLs. */
  | { cmd: 'connect'; urls: string[]; count: number; localAddresses: string[] }
  /** Everyone searches at once; answers when all are matched and signalled, or at the deadline. */
  | { cmd: 'burst'; timeoutMs: number }
  /** `thinkMs`: each client waits a random 0…thinkMs before searching again (spreads arrivals over nodes). */
  | { cmd: 'loop'; durationMs: number; thinkMs?: number }
  | { cmd: 'leave' }
  | { cmd: 'disconnect' }
  /** This load process's CPU so far (user + system): how much of the machine the load itself takes. */
  | { cmd: 'cpu' }
  /** Everyone searches once; answers when all are paired (bench:relay), or at the deadline. */
  | { cmd: 'pair'; timeoutMs: number }
  /** What each client searches for from now on (interests-load.ts); `seed` varies the draw per worker. */
  | { cmd: 'searches'; mix: SearchMix; seed: number }
  /** Everyone searches once and nobody is expected to pair; answers once the searches have had time to land. */
  | { cmd: 'wait' }
  /**
   * The fallback alone: half the clients wait in the open FIFO (a language each, so they never pair with
   * each other), then the other half search with interests of their own, spread over `spreadMs`: each
   * must be paired with an open waiter the moment its wait is over. Answers their search → matched times.
   */
  | { cmd: 'fallback'; spreadMs: number; timeoutMs: number; seed: number }
  /** Each pair keeps `window` frames of `frameBytes` in flight, each side echoing what it gets, for `durationMs`. */
  | { cmd: 'echo'; durationMs: number; frameBytes: number; window: number }

export type WorkerReply =
  | { connected: number; failed: number }
  | { latenciesMs: number[]; matches: number; unsettled?: number; fallbackLatenciesMs?: number[] }
  | { done: true }
  | { cpuMicros: number }
  | { paired: number }
  | { frames: number }

const sdp = `v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n${'a=x-pad:benchmark-padding-line\r\n'.repeat(30)}`
const offer = { type: 'offer', sdp }
const answer = { type: 'answer', sdp }
const candidate = {
  type: 'candidate',
  candidate: {
    candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host generation 0',
    sdpMid: '0',
    sdpMLineIndex: 0,
  },
}

/**
 * A lean Socket.IO client over a raw WebSocket (Engine.IO v4 / Socket.IO v5 text packets), so that
 * the load generator costs less than the servers it measures. Acks are requested like a real client.
 */
class RawSocket {
  readonly #ws: WebSocket
  readonly #handlers = new Map<string, (payload: unknown) => void>()
  #nextAckId = 0
  /** The event of a binary packet whose attachment (one, as Hush's relay:frame has) comes next. */
  #pendingBinary: string | null = null

  constructor(url: string, localAddress: string) {
    const wsUrl = `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`
    this.#ws = new WebSocket(wsUrl, { localAddress, perMessageDeflate: false })
    this.#ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return this.#receive(data.toString())
      const event = this.#pendingBinary
      this.#pendingBinary = null
      if (event) this.#handlers.get(event)?.(data)
    })
    this.#ws.on('error', () => this.#handlers.get('connect_error')?.(null))
    this.#ws.on('close', () => this.#handlers.get('connect_error')?.(null))
  }

  #receive(text: string): void {
    if (text === '2') return this.#ws.send('3') // Engine.IO ping → pong
    if (text.startsWith('0')) return this.#ws.send('40') // Engine.IO open → Socket.IO connect
    if (text.startsWith('40')) return this.#handlers.get('connect')?.(null)
    if (text.startsWith('44')) return this.#handlers.get('connect_error')?.(null)
    if (text.startsWith('451-')) {
      this.#pendingBinary = (JSON.parse(text.slice(4)) as [string])[0]
      return
    }
    if (!text.startsWith('42')) return // acks (43…) and the rest need no action here
    const [event, payload] = JSON.parse(text.slice(2)) as [string, unknown]
    this.#handlers.get(event)?.(payload)
  }

  on(event: string, handler: (payload: never) => void): this {
    this.#handlers.set(event, handler as (payload: unknown) => void)
    return this
  }

  once(event: string, handler: (payload: never) => void): this {
    return this.on(event, handler)
  }

  removeAllListeners(event: string): this {
    this.#handlers.delete(event)
    return this
  }

  /** Emits like socket.io-client: with an ack id when given a callback (the answer is not awaited). */
  emit(event: string, payload?: unknown, ack?: () => void): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return
    const args = payload === undefined ? [event] : [event, payload]
    this.#ws.send(`42${ack ? this.#nextAckId++ : ''}${JSON.stringify(args)}`)
  }

  /** A Socket.IO binary event with one attachment: the header packet, then the bytes as a binary frame. */
  emitBinary(event: string, bytes: Buffer): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return
    this.#ws.send(`451-${JSON.stringify([event, { _placeholder: true, num: 0 }])}`)
    this.#ws.send(bytes)
  }

  close(): void {
    this.#ws.terminate()
  }
}

interface Client {
  socket: RawSocket
  /** The match:find payload this client sends. */
  search: Record<string, unknown>
  searchingSince: number
  initiator: boolean
  received: number
  chatting: boolean
}

const clients: Client[] = []
const connectTimeoutMs = 15_000
const reply = (message: WorkerReply) => process.send?.(message)
const noop = () => {}

let connectAttempts = 0

async function connectAll(urls: string[], count: number, localAddresses: string[]): Promise<void> {
  let failed = 0
  const batch = 100
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start)
    await Promise.all(
      Array.from({ length: size }, async () => {
        const attempt = connectAttempts++
        const localAddress = localAddresses[Math.floor((start / count) * localAddresses.length)]!
        const socket = new RawSocket(urls[attempt % urls.length]!, localAddress)
        const ok = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), connectTimeoutMs)
          socket.once('connect', () => {
            clearTimeout(timer)
            resolve(true)
          })
          socket.once('connect_error', () => {
            clearTimeout(timer)
            resolve(false)
          })
        })
        if (!ok) {
          failed++
          socket.close()
          return
        }
        clients.push({ socket, search: {}, searchingSince: 0, initiator: false, received: 0, chatting: false })
      }),
    )
  }
  reply({ connected: clients.length, failed }) // the total held, not just this batch
}

/** Wires the per-client cycle; `onMatched` sees each find→found latency, `next` decides what happens after. */
function wire(
  onFound: (client: Client, latencyMs: number, random: boolean) => void,
  afterSignals: (client: Client) => void,
  onEnded: (client: Client) => void,
) {
  for (const client of clients) {
    const { socket } = client
    socket.removeAllListeners('match:found').removeAllListeners('signal:relay').removeAllListeners('match:ended')
    socket.on('match:found', (found: { initiator: boolean; common?: string[] }) => {
      client.initiator = found.initiator
      client.received = 0
      client.chatting = true
      // Paired at random after searching with interests: that search fell back.
      const fellBack = 'interests' in client.search && found.common?.length === 0
      onFound(client, performance.now() - client.searchingSince, fellBack)
      // As the app does: signals without an ack, find and leave with one.
      const first = found.initiator ? offer : answer
      socket.emit('signal:relay', first)
      socket.emit('signal:relay', candidate)
      socket.emit('signal:relay', candidate)
    })
    socket.on('signal:relay', () => {
      if (++client.received === 3) afterSignals(client)
    })
    socket.on('match:ended', () => {
      client.chatting = false
      onEnded(client)
    })
  }
}

function find(client: Client): void {
  client.searchingSince = performance.now()
  client.socket.emit('match:find', client.search, noop)
}

function burst(timeoutMs: number): void {
  const latenciesMs: number[] = []
  const fallbackLatenciesMs: number[] = []
  let matches = 0
  let settled = 0
  let answered = false
  const answer = () => {
    if (answered) return
    answered = true
    clearTimeout(deadline)
    reply({ latenciesMs, matches, unsettled: clients.length - settled, fallbackLatenciesMs })
  }
  // A server that loses waiters (the naive baseline) would otherwise never let the burst end.
  const deadline = setTimeout(answer, timeoutMs)
  const settle = () => {
    if (++settled === clients.length) answer()
  }
  wire(
    (client, latency, fellBack) => {
      latenciesMs.push(latency)
      if (fellBack) fallbackLatenciesMs.push(latency)
      if (client.initiator) matches++
    },
    settle,
    noop,
  )
  for (const client of clients) find(client)
}

function loop(durationMs: number, thinkMs: number): void {
  const latenciesMs: number[] = []
  const fallbackLatenciesMs: number[] = []
  let matches = 0
  const deadline = performance.now() + durationMs
  const again = (client: Client) => {
    if (performance.now() >= deadline) return
    if (thinkMs > 0) setTimeout(() => find(client), Math.random() * thinkMs)
    else find(client)
  }
  wire(
    (client, latency, fellBack) => {
      if (performance.now() > deadline) return
      latenciesMs.push(latency)
      if (fellBack) fallbackLatenciesMs.push(latency)
      if (client.initiator) matches++
    },
    (client) => {
      if (!client.initiator) return
      client.chatting = false
      client.socket.emit('match:leave', { reason: 'skipped' }, noop)
      again(client)
    },
    again,
  )
  for (const client of clients) if (!client.chatting) find(client)
  setTimeout(() => reply({ latenciesMs, matches, fallbackLatenciesMs }), durationMs + 250)
}

function fallbackOnly(spreadMs: number, timeoutMs: number, seed: number): void {
  const latenciesMs: number[] = []
  const fans = clients.filter((_, i) => i % 2 === 1)
  const letters = 'abcdefghijklmnopqrstuvwxyz'
  let answered = false
  const answer = () => {
    if (answered) return
    answered = true
    reply({ latenciesMs, matches: latenciesMs.length, unsettled: fans.length - latenciesMs.length })
  }
  setTimeout(answer, timeoutMs)
  wire(
    (client, latency) => {
      if (fans.includes(client)) latenciesMs.push(latency)
      if (latenciesMs.length === fans.length) answer()
    },
    noop,
    noop,
  )
  clients.forEach((client, i) => {
    if (i % 2 === 1) return
    const code = (i / 2) % 676
    client.search = { lang: `${letters[Math.floor(code / 26)]}${letters[code % 26]}` }
    find(client)
  })
  setTimeout(() => {
    fans.forEach((client, i) => {
      client.search = { interests: [`own ${seed} ${i}`] }
      setTimeout(() => find(client), (i / fans.length) * spreadMs)
    })
  }, 1000)
}

function leaveAll(): void {
  for (const client of clients) {
    if (client.chatting && client.initiator) client.socket.emit('match:leave', { reason: 'left' }, noop)
    else client.socket.emit('match:cancel', undefined, noop)
    client.chatting = false
  }
  // Let the server apply the leaves before the next phase starts.
  setTimeout(() => reply({ done: true }), 500)
}

function pairAll(timeoutMs: number): void {
  let paired = 0
  const done = () => {
    clearTimeout(deadline)
    reply({ paired })
  }
  const deadline = setTimeout(done, timeoutMs)
  for (const client of clients) {
    client.socket.removeAllListeners('match:found')
    client.socket.on('match:found', (found: { initiator: boolean }) => {
      client.initiator = found.initiator
      client.chatting = true
      if (++paired === clients.length) done()
    })
    find(client)
  }
}

/** Ping-pong of sealed-size frames through the server: every frame one side gets, it sends back. */
function echo(durationMs: number, frameBytes: number, window: number): void {
  let frames = 0
  const deadline = performance.now() + durationMs
  for (const client of clients) {
    const { socket } = client
    socket.removeAllListeners('relay:frame')
    socket.on('relay:frame', (frame: Buffer) => {
      frames++
      if (performance.now() < deadline) socket.emitBinary('relay:frame', frame)
    })
  }
  const frame = Buffer.alloc(frameBytes, 7)
  for (const client of clients) {
    if (!client.chatting || !client.initiator) continue
    for (let i = 0; i < window; i++) client.socket.emitBinary('relay:frame', frame)
  }
  // Frames still in flight at the deadline arrive (and are counted) within the grace.
  setTimeout(() => reply({ frames }), durationMs + 250)
}

// The orchestrator went away (finished or interrupted): so do we.
process.on('disconnect', () => process.exit(0))

process.on('message', (command: WorkerCommand) => {
  switch (command.cmd) {
    case 'connect':
      void connectAll(command.urls, command.count, command.localAddresses)
      break
    case 'burst':
      burst(command.timeoutMs)
      break
    case 'loop':
      loop(command.durationMs, command.thinkMs ?? 0)
      break
    case 'leave':
      leaveAll()
      break
    case 'cpu': {
      const { user, system } = process.cpuUsage()
      reply({ cpuMicros: user + system })
      break
    }
    case 'pair':
      pairAll(command.timeoutMs)
      break
    case 'echo':
      echo(command.durationMs, command.frameBytes, command.window)
      break
    case 'searches':
      searchesFor(command.mix, clients.length, command.seed).forEach((search, i) => (clients[i]!.search = search))
      reply({ done: true })
      break
    case 'fallback':
      fallbackOnly(command.spreadMs, command.timeoutMs, command.seed)
      break
    case 'wait':
      for (const client of clients) find(client)
      setTimeout(() => reply({ done: true }), 2000)
      break
    case 'disconnect':
      for (const client of clients.splice(0)) client.socket.close()
      setTimeout(() => reply({ done: true }), 200)
      break
  }
})
