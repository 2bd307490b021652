// The built-in STUN server: one UDP socket answering Binding requests, so browsers learn their
// public address without a third party. Anything else is dropped without a word (no amplification:
// a response is the request's header plus one address attribute, and a FINGERPRINT only if it had one).
import { createSocket, type Socket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import type { Logger } from '../logger.ts'
import { bindingResponse, parseBindingRequest } from './message.ts'

export type StunOutcome = 'answered' | 'dropped'

export interface StunServer {
  /** Binds `port` on `host`; rejects with a message naming the port when it is taken. */
  start(): Promise<number>
  /** The bound UDP port; null before start and after close. */
  port(): number | null
  close(): Promise<void>
}

export function createStunServer(
  host: string,
  port: number,
  count: (outcome: StunOutcome) => void,
  logger: Logger,
): StunServer {
  let socket: Socket | null = null
  let bound: number | null = null

  function answer(this: Socket, datagram: Buffer, from: { address: string; port: number }): void {
    const request = parseBindingRequest(datagram)
    const response = request && bindingResponse(request, from.address, from.port)
    if (!response) return count('dropped')
    this.send(response, from.port, from.address)
    count('answered')
  }
  // A failed send (e.g. an unreachable address) is that datagram's end, never the server's.
  const onError = (error: Error) => logger.debug({ err: error }, 'stun socket error')

  return {
    start: () =>
      new Promise((resolve, reject) => {
        // A udp6 socket on `::` also receives IPv4 (as ::ffff:a.b.c.d); a host name binds udp4.
        const udp = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' })
        socket = udp
        udp.on('message', answer)
        udp.once('error', (error: NodeJS.ErrnoException) => {
          const taken = error.code === 'EADDRINUSE' || error.code === 'EACCES'
          const why = taken ? 'is in use or not allowed' : `cannot be bound (${error.code ?? error.message})`
          udp.close()
          socket = null
          reject(new Error(`STUN_PORT ${port} on ${host} ${why}: choose another STUN_PORT, or 0 to turn STUN off`))
        })
        udp.bind(port, host, () => {
          udp.removeAllListeners('error')
          udp.on('error', onError)
          bound = udp.address().port
          resolve(bound)
        })
      }),
    port: () => bound,
    close: () =>
      new Promise((resolve) => {
        const udp = socket
        if (udp === null || bound === null) return resolve()
        socket = null
        bound = null
        udp.close(() => resolve())
      }),
  }
}
