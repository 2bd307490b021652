// What the matchmaking server has told this page: whether it is reachable, our guest name, the limits
// and ICE servers in force, the presence counts, and why it refused us or a request. The session
// builds its flow on top of this.
import { defaultLimits, type ErrorCode, type IceServer, type Limits, type Presence } from '#protocol'
import { refusalOf, type RefusalCode } from './refusal.ts'
import type { SignalingSocket } from './signaling.ts'

export interface ServerEvents {
  connected(): void
  disconnected(): void
  /** The server turned this page away for now (it retries by itself). */
  refused(code: RefusalCode): void
  /** An error outside any request (a shutdown notice is left to the reconnect). */
  failed(code: ErrorCode): void
}

export class ServerState {
  connected = $state(false)
  presence = $state<Presence>({ online: 0, searching: 0, chatting: 0 })
  myName = $state('')
  limits = $state.raw<Limits>(defaultLimits)
  /** Whether the server offers a TURN relay, so that the person's IP can be hidden. */
  relayOffered = $state(false)
  protected iceServers: IceServer[] = []

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
      if (refusal) events.refused(refusal)
    })
    socket.on('session:welcome', (welcome) => {
      this.myName = welcome.name
      this.limits = welcome.limits
      this.relayOffered = welcome.relayOnly
      this.iceServers = welcome.iceServers
    })
    socket.on('session:ice', (servers) => (this.iceServers = servers))
    socket.on('session:error', (error) => error.code !== 'unavailable' && events.failed(error.code))
    socket.on('presence:update', (presence) => (this.presence = presence))
  }
}
