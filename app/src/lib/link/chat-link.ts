// One chat's end-to-end link over whichever path is up: the server's encrypted relay from the moment of
// the match, the data channel as soon as it opens (then the chat moves to it), the relay again when the
// data channel fails while a new one is dialled. One secure channel over all of them, so the keys and
// the safety code stay the same for the whole chat.
import type { IceServer, Signal } from '#protocol'
import { safetyCode, type KeyPair } from './crypto.ts'
import type { Frame } from './frames.ts'
import { openPeerPath, type PeerPath } from './peer-path.ts'
import { createSecureChannel, type HandshakeFailure } from './secure-channel.ts'

/** The path the chat uses now: a direct data channel, one through TURN, the server's relay, or none. */
export type LinkPath = 'direct' | 'turn' | 'server' | 'none'

export interface ChatLinkOptions {
  initiator: boolean
  /** A fresh key pair made ahead of time; a new one is made when absent. */
  keyPair: KeyPair | undefined
  maxMessageChars: number
  /** Sends a sealed frame through the server's relay; null when the server offers none. */
  relay: ((data: Uint8Array) => void) | null
  /** The peer connection's settings; null when none may be made (hide my IP without TURN). */
  peer: { iceServers: () => IceServer[]; relayOnly: boolean; certificate: RTCCertificate | undefined } | null
  sendSignal(signal: Signal): void
  /** The handshake is done: frames flow, and this is the code both people should see. */
  onSecured(code: string): void
  /** Our side of the first connection setup is sent; what remains is the network's and the partner's. */
  onGathered(): void
  onFrame(frame: Frame): void
  onDropped(): void
  onFailure(reason: HandshakeFailure): void
  /** Frames now go over another path: what the partner has not acknowledged should go again. */
  onPath(path: LinkPath): void
  /** No path can carry the chat before it was secured: the connection failed. */
  onClosed(): void
}

export interface ChatLink {
  signal(signal: Signal): void
  /** A frame the partner sent through the server's relay. */
  relayed(data: Uint8Array): void
  /** Seals and sends a frame; false when the channel is not ready for it. */
  send(frame: Frame): boolean
  readonly ready: boolean
  readonly path: LinkPath
  /** Bytes the data channel holds unsent (0 over the server's relay, which is paced by rate instead). */
  buffered(): number
  /** Resolves once the data channel holds at most `lowBytes` (at once over the relay). */
  drained(lowBytes: number): Promise<void>
  /**
   * Stops using every path; the data channel lingers a moment, so that a bye sent just before still
   * leaves and the partner's acks of our last messages still arrive (frames keep reaching onFrame).
   */
  close(): void
}

/**
 * How long a closing link lingers: a last frame leaves (sends are ordered on one SCTP stream) and the
 * partner's acks of what we sent just before leaving come back (a round trip, even through TURN).
 */
const closeDelayMs = 2_000
/**
 * Both sides ping every 2 s: a data channel that carried nothing this long has stopped (a network
 * change). Found within 3.5 s, the relay's first ping reaches the partner before their 6 s of silence
 * run out (their last ping from us is at most 2 s older than ours from them).
 */
export const silentPathMs = 3_000
const pathCheckMs = 500
const routeTries = 20
/** An offer and its candidates, should they overtake our own handshake's end. */
const earlySignalsMax = 64
const routeRetryMs = 50

export function openChatLink(options: ChatLinkOptions): ChatLink {
  const { relay } = options
  let path: LinkPath = relay ? 'server' : 'none'
  let onPeer = false
  let lastPeerDataMs = 0
  let closed = false
  let check: ReturnType<typeof setInterval> | undefined

  const channel = createSecureChannel({
    keyPair: options.keyPair,
    role: options.initiator ? 'initiator' : 'responder',
    maxMessageChars: options.maxMessageChars,
    transmit(data) {
      if (onPeer && peer?.send(data)) return
      relay?.(data)
    },
    onReady(keys) {
      if (closed) return // the partner's last handshake frame came after we left
      check = setInterval(checkPeer, pathCheckMs)
      options.onSecured(safetyCode([keys.mine, keys.theirs]))
      // Over the relay the chat is usable now: the peer connection's setup (tens of ms of main thread)
      // comes after the handshake, in a task of its own. Our last handshake frame leaves first: socket.io
      // writes a binary frame's attachment in a microtask, after whatever this task still does.
      const settings = options.peer
      if (relay && settings && !peer) setTimeout(() => !closed && !peer && dial(settings), 0)
    },
    onFrame: (frame) => options.onFrame(frame),
    onDropped: () => options.onDropped(),
    onFailure: (reason) => options.onFailure(reason),
  })

  let peer: PeerPath | null = null
  /** The partner's signals that came before our peer connection was made. */
  const early: Signal[] = []

  /** The data channel's peer connection (none when we may not make one, hide my IP without TURN). */
  function dial(settings: NonNullable<ChatLinkOptions['peer']>): void {
    peer = openPeerPath({
      ...settings,
      initiator: options.initiator,
      sendSignal: (signal) => !closed && options.sendSignal(signal),
      onGathered: () => !closed && options.onGathered(),
      onOpen() {
        if (closed) return
        lastPeerDataMs = performance.now()
        onPeer = true
        channel.open() // the initiator's commitment, if no relay carried it already
        // Moved now (what is unacknowledged goes again, ahead of anything new); named once the stats tell.
        setPath(settings.relayOnly ? 'turn' : 'direct')
        void settleRoute()
      },
      onData(data) {
        lastPeerDataMs = performance.now()
        channel.receive(data)
      },
      onDown() {
        onPeer = false
        if (closed) return
        setPath(relay ? 'server' : 'none')
        if (!relay && !channel.ready) options.onClosed()
      },
    })
    for (const signal of early.splice(0)) peer.signal(signal)
  }

  function setPath(next: LinkPath): void {
    if (next === path) return
    path = next
    options.onPath(next)
  }

  /** Names the data channel's path once its selected candidate pair shows (a moment after it opens). */
  async function settleRoute(): Promise<void> {
    for (let tries = 0; tries < routeTries && onPeer && !closed; tries++) {
      const route = await peer?.route()
      if (route) return onPeer && !closed ? setPath(route === 'relayed' ? 'turn' : 'direct') : undefined
      await new Promise((wait) => setTimeout(wait, routeRetryMs))
    }
    // No stats to tell: call it direct, the path that shares the most.
    if (onPeer && !closed) setPath('direct')
  }

  /** A data channel gone silent is dropped (and dialled again): the relay carries the chat meanwhile. */
  function checkPeer(): void {
    if (onPeer && performance.now() - lastPeerDataMs > silentPathMs) peer?.fail()
  }

  // With a relay the handshake starts at once, and the data channel is made once it is done;
  // without one, the handshake waits for the data channel.
  if (relay) channel.open()
  else if (options.peer) dial(options.peer)
  else queueMicrotask(() => !closed && options.onClosed())

  return {
    signal(signal) {
      if (peer) peer.signal(signal)
      else if (options.peer && early.length < earlySignalsMax) early.push(signal)
    },
    relayed: (data) => channel.receive(data),
    send: (frame) => channel.send(frame),
    get ready() {
      return channel.ready
    },
    get path() {
      return path
    },
    buffered: () => (onPeer ? (peer?.buffered() ?? 0) : 0),
    drained: (lowBytes) => (onPeer && peer ? peer.drained(lowBytes) : Promise.resolve()),
    close() {
      if (closed) return
      closed = true
      clearInterval(check)
      peer?.close(closeDelayMs)
    },
  }
}
