// The slice of simple-peer 9's browser bundle the app uses (no @types/simple-peer installed).
declare module 'simple-peer/simplepeer.min.js' {
  export interface SimplePeerOptions {
    initiator: boolean
    trickle?: boolean
    config?: RTCConfiguration
    channelConfig?: RTCDataChannelInit
  }

  export interface SimplePeerError extends Error {
    code?: string
  }

  export default class SimplePeer {
    constructor(options: SimplePeerOptions)
    readonly connected: boolean
    readonly destroyed: boolean
    /** Internal but stable across 9.x: the one RTCPeerConnection (getStats, the incoming channel). */
    readonly _pc: RTCPeerConnection | null
    /** Internal but stable across 9.x: the data channel (the initiator's exists from the start). */
    readonly _channel: RTCDataChannel | null
    signal(data: unknown): void
    send(data: string | Uint8Array): void
    destroy(error?: Error): void
    on(event: 'signal', listener: (data: unknown) => void): this
    on(event: 'connect' | 'close', listener: () => void): this
    on(event: 'data', listener: (data: Uint8Array | string) => void): this
    on(event: 'error', listener: (error: SimplePeerError) => void): this
  }
}
