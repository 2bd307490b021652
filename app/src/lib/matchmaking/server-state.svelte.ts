// What the matchmaking server has told this page: whether it is reachable, our guest name, the limits
// and ICE servers in force, the presence counts, and why it refused us or a request. The session
// builds its flow on top of this.
import {
  defaultLimits,
  type ErrorCode,
  type IceServer,
  type Limits,
  type Presence,
  type RelayLimits,
  type Signal,
} from '#protocol'
import { readChoice, writeSetting } from '../settings.ts'
import { banEnd, refusalOf, type RefusalCode } from './refusal.ts'
import type { SignalingSocket } from './signaling.ts'

export interface ServerEvents {
  connected(): void
  disconnected(): void
  /** The server turned this page away for now (it retries by itself); `banned` has `bannedUntil` set. */
  refused(code: RefusalCode): void
  /** An error outside any request (a shutdown notice is left to the reconnect). */
  failed(code: ErrorCode): void
}

const quietErrors = new Set<ErrorCode>(['unavailable', 'not-paired', 'relay-off'])

export class ServerState {
  connected = $state(false)
  presence = $state<Presence>({ online: 0, searching: 0, chatting: 0, interests: [] })
  myName = $state('')
  /** When this network's ban ends (epoch ms; 0 when the server did not say), while banned; null otherwise. */
  bannedUntil = $state<number | null>(null)
  limits = $state.raw<Limits>(defaultLimits)
  /** Whether the server offers a TURN relay, so that the person's IP can be hidden with a data channel. */
  relayOffered = $state(false)
  /** Whether the server relays sealed frames: a chat then works without any peer connection. */
  serverRelay = $state(false)
  /** "Hide my IP address" as the person set it; unset, it is on where TURN keeps chats peer to peer. */
  #hideIpChoice = $state<boolean | null>(readChoice('hideIp'))
  protected iceServers: IceServer[] = []

  get hideIp(): boolean {
    return this.#hideIpChoice ?? this.relayOffered
  }

  /** Whether this server lets the person hide their IP address at all (TURN, or its own relay). */
  get canHideIp(): boolean {
    return this.relayOffered || this.serverRelay
  }

  /** Relay-only ICE (TURN) is in force for the next chat. */
  get relayOnly(): boolean {
    return this.relayOffered && this.hideIp
  }

  /** No peer connection at all for the next chat: the server's relay carries it, no address is shared. */
  get noPeer(): boolean {
    return this.hideIp && !this.relayOffered && this.serverRelay
  }

  setHideIp(hide: boolean): void {
    this.#hideIpChoice = hide
    writeSetting('hideIp', hide)
  }

  /** What the next chat takes from this server for its paths: ICE servers in force, IP privacy, relay, signals. */
  protected chatPaths(socket: SignalingSocket) {
    return {
      iceServers: () => this.iceServers,
      relayOnly: this.relayOnly,
      noPeer: this.noPeer,
      relay: this.serverRelay ? (data: Uint8Array) => void socket.emit('relay:frame', data) : null,
      maxMessageChars: this.limits.maxMessageChars,
      relayImageRate: relayImageRate(this.serverRelay, this.limits.relay),
      // No ack: a lost candidate shows up as a failed connection, which the app explains anyway.
      sendSignal: (signal: Signal) => void socket.emit('signal:relay', signal),
    }
  }

  constructor(socket: SignalingSocket, events: ServerEvents) {
    socket.on('connect', () => {
      this.connected = true
      events.connected()
    })
    socket.on('disconnect', () => {
      this.connected = false
      events.disconnected()
    })
    socket.on('connect_error', (error) => {
      const refusal = refusalOf(error)
      if (refusal === 'banned') this.bannedUntil = banEnd((error as { data?: unknown }).data) ?? 0
      if (refusal) events.refused(refusal)
    })
    socket.on('session:welcome', (welcome) => {
      this.bannedUntil = null
      this.myName = welcome.name
      this.limits = welcome.limits
      this.relayOffered = welcome.relayOnly
      this.serverRelay = welcome.relay
      this.iceServers = welcome.iceServers
    })
    socket.on('session:ice', (servers) => (this.iceServers = servers))
    // A shutdown is covered by the reconnect; relay refusals concern frames of a chat that is over.
    socket.on('session:error', (error) => {
      if (error.code === 'banned') this.bannedUntil = banEnd(error.data) ?? 0
      if (!quietErrors.has(error.code)) events.failed(error.code)
    })
    socket.on('presence:update', (presence) => (this.presence = presence))
  }
}

/** A sealed image chunk and its headers fit a 16 KiB relay frame; a server with smaller frames carries no images. */
const chunkFrameBytes = 16 * 1024

/** The relay's byte rate when it carries images, else null. */
const relayImageRate = (relay: boolean, limits: RelayLimits): number | null =>
  relay && limits.images && limits.maxFrameBytes >= chunkFrameBytes ? limits.bytesPerSecond : null
