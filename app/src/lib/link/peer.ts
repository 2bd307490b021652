// One WebRTC data channel through simple-peer (loaded on demand), typed to the protocol's Signal.
import type { IceCandidate, IceServer, Signal } from '#protocol'

export type Route = 'direct' | 'relayed'

export interface PeerOptions {
  initiator: boolean
  iceServers: IceServer[]
  relayOnly: boolean
  /** Made ahead of time so that the offer does not wait for key generation; fresh per chat. */
  certificate?: RTCCertificate | undefined
  onSignal(signal: Signal): void
  onConnect(): void
  /** Our ICE candidates are all out (or gathering has finished): the wait is the network's now. */
  onGathered?(): void
  onData(data: Uint8Array): void
  /** The channel closed or failed; called once. */
  onClose(error: string | null): void
}

export interface PeerLink {
  signal(signal: Signal): void
  send(data: Uint8Array): void
  destroy(): void
  route(): Promise<Route | null>
  /** Bytes queued on the data channel, not yet sent. */
  buffered(): number
  /** Resolves once the queue has fallen to `lowBytes` (at once if it is there, or the channel is gone). */
  drained(lowBytes: number): Promise<void>
}

type SimplePeerClass = typeof import('simple-peer/simplepeer.min.js').default
let loaded: SimplePeerClass | null = null

/** Starts the download early (on idle) so Start → chat does not wait for it. */
export const loadSimplePeer = (): Promise<SimplePeerClass> =>
  import('simple-peer/simplepeer.min.js').then((module) => (loaded = module.default))

export async function createPeer(options: PeerOptions): Promise<PeerLink> {
  // Once loaded, the connection is made synchronously: ICE starts before the chat view renders.
  const SimplePeer = loaded ?? (await loadSimplePeer())
  const peer = new SimplePeer({
    initiator: options.initiator,
    trickle: true,
    config: {
      iceServers: options.iceServers.map((server) => ({ ...server })),
      iceTransportPolicy: options.relayOnly ? 'relay' : 'all',
      ...(options.certificate ? { certificates: [options.certificate] } : {}),
    },
  })
  /** The partner's ICE ufrag, from its offer or answer ('' when it names none): candidates of an earlier connection are not for us. */
  let remoteUfrag: string | null = null
  const heldCandidates: Extract<Signal, { type: 'candidate' }>[] = []
  /** A candidate that names no ufrag, or the current one. */
  const ufragMatches = (signal: Extract<Signal, { type: 'candidate' }>): boolean => {
    const ufrag = signal.candidate.usernameFragment ?? /\bufrag (\S+)/.exec(signal.candidate.candidate)?.[1]
    return !ufrag || !remoteUfrag || ufrag === remoteUfrag
  }
  let closed = false
  const close = (error: string | null) => {
    if (closed) return
    closed = true
    options.onClose(error)
  }

  peer.on('signal', (data) => {
    const signal = toSignal(data)
    if (signal) options.onSignal(signal)
  })
  // The partner's first frame can arrive before our own 'connect' (simple-peer waits for ICE stats):
  // anything we send before then waits here instead of being lost.
  let outbox: Uint8Array[] | null = []
  // Usable as soon as the data channel opens; simple-peer's own 'connect' also polls getStats first
  // (up to 100 ms later), which time-to-chat should not pay for.
  const opened = () => {
    if (!outbox) return
    const queued = outbox
    outbox = null
    for (const data of queued) peer.send(data)
    options.onConnect()
  }
  // Frames are read from the channel itself: simple-peer's stream hands them on through its bundled
  // process.nextTick shim (timers), which cost the handshake ~30 ms and every message a hop.
  let dataChannel: RTCDataChannel | null = null
  const watch = (channel: RTCDataChannel) => {
    dataChannel = channel
    channel.binaryType = 'arraybuffer'
    // simple-peer's own handler copied every frame into a Buffer and pushed it through its stream,
    // ahead of ours, on every message: nothing reads that stream, so the handler goes.
    channel.onmessage = null
    channel.addEventListener('message', (event: MessageEvent<ArrayBuffer | string>) =>
      options.onData(
        typeof event.data === 'string' ? new TextEncoder().encode(event.data) : new Uint8Array(event.data),
      ),
    )
    if (channel.readyState === 'open') opened()
    else channel.addEventListener('open', opened, { once: true })
  }
  const pc = peer._pc
  if (pc && options.onGathered) {
    const gathered = options.onGathered
    const check = () => pc.iceGatheringState === 'complete' && gathered()
    pc.addEventListener('icegatheringstatechange', check)
  }
  if (peer._channel) watch(peer._channel)
  else peer._pc?.addEventListener('datachannel', (event) => watch(event.channel), { once: true })
  peer.on('connect', opened)
  peer.on('close', () => close(null))
  peer.on('error', (error) => close(error.code ?? 'ERR_PEER'))

  return {
    signal(signal) {
      if (peer.destroyed) return
      if (signal.type === 'candidate') {
        // Held until the partner's description says which ufrag is theirs now: a late candidate of their
        // previous connection would make simple-peer fail this one.
        if (remoteUfrag === null) return void heldCandidates.push(signal)
        return ufragMatches(signal) && peer.signal(signal)
      }
      if (signal.type === 'offer' || signal.type === 'answer') remoteUfrag = sdpUfrag(signal.sdp) ?? ''
      peer.signal(signal)
      for (const held of heldCandidates.splice(0)) if (ufragMatches(held)) peer.signal(held)
    },
    send(data) {
      if (outbox) outbox.push(data)
      else if (!peer.destroyed)
        try {
          peer.send(data)
        } catch {
          close('ERR_DATA_CHANNEL') // the channel is closing: the partner is gone either way
        }
    },
    destroy() {
      closed = true
      peer.destroy()
    },
    async route() {
      const pc = peer._pc
      if (!pc) return null
      return selectedRoute(await pc.getStats())
    },
    buffered: () => (dataChannel?.readyState === 'open' ? dataChannel.bufferedAmount : 0),
    drained(lowBytes) {
      const channel = dataChannel
      if (!channel || channel.readyState !== 'open' || channel.bufferedAmount <= lowBytes) return Promise.resolve()
      channel.bufferedAmountLowThreshold = lowBytes
      return new Promise((resolve) => {
        // A channel that closes meanwhile never fires the event: its close ends the wait too.
        channel.addEventListener('bufferedamountlow', () => resolve(), { once: true })
        channel.addEventListener('close', () => resolve(), { once: true })
      })
    },
  }
}

const sdpUfrag = (sdp: string): string | null => /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1] ?? null

/** Reads the selected candidate pair: any relay end means the traffic goes through TURN. */
function selectedRoute(stats: RTCStatsReport): Route | null {
  let pairId: string | undefined
  stats.forEach((report: { type: string; selectedCandidatePairId?: string }) => {
    if (report.type === 'transport' && report.selectedCandidatePairId) pairId = report.selectedCandidatePairId
  })
  const pair = pairId ? (stats.get(pairId) as { localCandidateId?: string; remoteCandidateId?: string }) : undefined
  if (!pair?.localCandidateId || !pair.remoteCandidateId) return null
  const types = [pair.localCandidateId, pair.remoteCandidateId].map(
    (id) => (stats.get(id) as { candidateType?: string } | undefined)?.candidateType,
  )
  return types.includes('relay') ? 'relayed' : 'direct'
}

/** simple-peer's output, rebuilt into the protocol's Signal (the server refuses anything else). */
function toSignal(data: unknown): Signal | null {
  if (typeof data !== 'object' || data === null) return null
  const value = data as Record<string, unknown>
  if ((value.type === 'offer' || value.type === 'answer') && typeof value.sdp === 'string')
    return { type: value.type, sdp: value.sdp }
  if (value.type === 'candidate' && typeof value.candidate === 'object' && value.candidate !== null) {
    const c = value.candidate as Record<string, unknown>
    if (typeof c.candidate !== 'string') return null
    const candidate: IceCandidate = { candidate: c.candidate }
    if (typeof c.sdpMid === 'string') candidate.sdpMid = c.sdpMid
    if (typeof c.sdpMLineIndex === 'number') candidate.sdpMLineIndex = c.sdpMLineIndex
    if (typeof c.usernameFragment === 'string') candidate.usernameFragment = c.usernameFragment
    return { type: 'candidate', candidate }
  }
  if (value.type === 'renegotiate') return { type: 'renegotiate', renegotiate: true }
  return null
}
