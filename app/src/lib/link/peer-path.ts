// The peer-to-peer path of one chat: a WebRTC data channel (direct or through TURN), made again after
// it fails (a network change) for as long as the chat lasts. The initiator dials again, with backoff;
// the responder answers each new offer with a new peer connection.
import type { IceServer, Signal } from '#protocol'
import { createPeer, type PeerLink, type Route } from './peer.ts'

/** The first redial comes soon (a network change settles in a second), later ones back off. */
export const redialDelayMs = { first: 1_000, max: 30_000 }

export interface PeerPathOptions {
  initiator: boolean
  /** Read at each dial: TURN credentials are refreshed while a chat lasts. */
  iceServers: () => IceServer[]
  relayOnly: boolean
  /** Made ahead of time for the first connection; later ones make their own. */
  certificate: RTCCertificate | undefined
  sendSignal(signal: Signal): void
  /** Our side of the first connection's setup is out. */
  onGathered(): void
  onOpen(): void
  onData(data: Uint8Array): void
  /** The channel closed, or an attempt failed (`wasOpen` false: it never opened). */
  onDown(wasOpen: boolean): void
}

export interface PeerPath {
  signal(signal: Signal): void
  /** False when no channel is open: the caller takes another path. */
  send(data: Uint8Array): boolean
  readonly open: boolean
  route(): Promise<Route | null>
  /** Bytes queued on the open channel (0 when none is open). */
  buffered(): number
  drained(lowBytes: number): Promise<void>
  /** The channel stopped carrying anything: drop it, and dial again. */
  fail(): void
  /** No more dialling; the open channel, if any, lingers `lingerMs` for last frames. */
  close(lingerMs: number): void
}

interface Attempt {
  link: PeerLink | null
  open: boolean
  /** Responder: an offer reached this connection, so the next offer is for a new one. */
  offered: boolean
  /** Signals that came before simple-peer was loaded. */
  early: Signal[]
}

export function openPeerPath(options: PeerPathOptions): PeerPath {
  let attempt: Attempt | null = null
  let ending = false
  let delayMs = redialDelayMs.first
  let redial: ReturnType<typeof setTimeout> | undefined

  function dial(first: boolean): Attempt {
    const mine: Attempt = { link: null, open: false, offered: false, early: [] }
    attempt = mine
    const current = () => !ending && attempt === mine
    createPeer({
      initiator: options.initiator,
      iceServers: options.iceServers(),
      relayOnly: options.relayOnly,
      certificate: first ? options.certificate : undefined,
      onSignal: (signal) => current() && options.sendSignal(signal),
      onConnect() {
        if (!current()) return
        mine.open = true
        delayMs = redialDelayMs.first
        options.onOpen()
      },
      onGathered: first ? () => current() && options.onGathered() : undefined,
      // Also while the path lingers after the end: the partner's last frames.
      onData: (data) => attempt === mine && options.onData(data),
      onClose: () => current() && down(),
    }).then(
      (link) => {
        // Replaced, or the chat ended before this connection was even made: nothing will use it.
        if (attempt !== mine || ending) return link.destroy()
        mine.link = link
        for (const signal of mine.early.splice(0)) link.signal(signal)
      },
      () => current() && down(),
    )
    return mine
  }

  function down(): void {
    const failed = attempt
    attempt = null
    failed?.link?.destroy()
    options.onDown(failed?.open ?? false)
    if (ending || !options.initiator) return
    clearTimeout(redial)
    redial = setTimeout(() => !ending && attempt === null && dial(false), delayMs)
    delayMs = Math.min(redialDelayMs.max, delayMs * 2)
  }

  dial(true)

  return {
    signal(signal) {
      if (ending) return
      // A new offer after the first one: the initiator dialled again.
      if (!options.initiator && signal.type === 'offer' && (!attempt || attempt.offered)) {
        const old = attempt
        attempt = null
        old?.link?.destroy()
        if (old?.open) options.onDown(true)
        dial(false)
      }
      if (!attempt) return
      if (signal.type === 'offer') attempt.offered = true
      if (attempt.link) attempt.link.signal(signal)
      else attempt.early.push(signal)
    },
    send(data) {
      if (!attempt?.open || !attempt.link) return false
      attempt.link.send(data)
      return true
    },
    get open() {
      return attempt?.open ?? false
    },
    route: () => attempt?.link?.route() ?? Promise.resolve(null),
    buffered: () => (attempt?.open ? (attempt.link?.buffered() ?? 0) : 0),
    drained: (lowBytes) => (attempt?.open ? attempt.link?.drained(lowBytes) : undefined) ?? Promise.resolve(),
    fail() {
      if (attempt && !ending) down()
    },
    close(lingerMs) {
      ending = true
      clearTimeout(redial)
      const last = attempt
      setTimeout(() => last?.link?.destroy(), lingerMs)
    },
  }
}
