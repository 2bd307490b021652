// One chat's end-to-end link: the WebRTC peer, the sealed channel over it, the partner's signals that
// arrive before the peer exists, and the safety code once both keys and both fingerprints are known.
import type { IceServer, Signal } from '#protocol'
import { safetyCode, type KeyPair } from './crypto.ts'
import type { Frame } from './frames.ts'
import { createPeer, type PeerLink, type Route } from './peer.ts'
import { createSecureChannel, type HandshakeFailure } from './secure-channel.ts'

export interface ChatLinkOptions {
  initiator: boolean
  iceServers: IceServer[]
  relayOnly: boolean
  /** A fresh key pair made ahead of time; a new one is made when absent. */
  keyPair: KeyPair | undefined
  /** A fresh DTLS certificate made ahead of time; the peer connection makes one when absent. */
  certificate: RTCCertificate | undefined
  maxMessageChars: number
  sendSignal(signal: Signal): void
  /** The handshake is done: frames flow, and this is the code both people should see. */
  onSecured(code: string): void
  /** Our side of the connection setup is sent; what remains is the network's and the partner's. */
  onGathered(): void
  onFrame(frame: Frame): void
  onDropped(): void
  onFailure(reason: HandshakeFailure | 'no-fingerprints'): void
  /** The peer closed, failed, or could not be made. */
  onClosed(): void
}

export interface ChatLink {
  signal(signal: Signal): void
  /** Seals and sends a frame; false when the channel is not ready for it. */
  send(frame: Frame): boolean
  readonly ready: boolean
  route(): Promise<Route | null>
  /**
   * Closes the peer a moment later, so that a bye sent just before still leaves and the partner's
   * acks of our last messages still arrive (frames keep reaching onFrame until then; nothing else does).
   */
  close(): void
}

/**
 * How long a closing link lingers: a last frame leaves (sends are ordered on one SCTP stream) and the
 * partner's acks of what we sent just before leaving come back (a round trip, even through TURN).
 */
const closeDelayMs = 2_000

export function openChatLink(options: ChatLinkOptions): ChatLink {
  let peer: PeerLink | null = null
  let closed = false
  const early: Signal[] = []

  const channel = createSecureChannel({
    keyPair: options.keyPair,
    role: options.initiator ? 'initiator' : 'responder',
    maxMessageChars: options.maxMessageChars,
    transmit: (data) => peer?.send(data),
    onReady(keys) {
      const prints = peer?.fingerprints()
      if (!prints?.local || !prints.remote) return options.onFailure('no-fingerprints')
      options.onSecured(
        safetyCode({ publicKeys: [keys.mine, keys.theirs], fingerprints: [prints.local, prints.remote] }),
      )
    },
    onFrame: (frame) => options.onFrame(frame),
    onDropped: () => options.onDropped(),
    onFailure: (reason) => options.onFailure(reason),
  })

  createPeer({
    initiator: options.initiator,
    iceServers: options.iceServers,
    relayOnly: options.relayOnly,
    certificate: options.certificate,
    onSignal: (signal) => !closed && options.sendSignal(signal),
    onConnect: () => !closed && channel.open(),
    onGathered: () => !closed && options.onGathered(),
    onData: (data) => channel.receive(data),
    onClose: () => !closed && options.onClosed(),
  }).then(
    (made) => {
      if (closed) return made.destroy()
      peer = made
      for (const signal of early.splice(0)) made.signal(signal)
    },
    () => !closed && options.onClosed(),
  )

  return {
    signal(signal) {
      if (peer) peer.signal(signal)
      else early.push(signal)
    },
    send: (frame) => channel.send(frame),
    get ready() {
      return channel.ready
    },
    route: () => peer?.route() ?? Promise.resolve(null),
    close() {
      closed = true
      setTimeout(() => peer?.destroy(), closeDelayMs)
    },
  }
}
