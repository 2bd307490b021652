// STUN messages written and read by hand (RFC 8489), independently of signaling/stun/, to test it.
import { randomBytes } from 'node:crypto'
import { createSocket, type Socket } from 'node:dgram'
import { crc32 } from 'node:zlib'

const cookie = Buffer.from([0x21, 0x12, 0xa4, 0x42])

export interface RequestOptions {
  transactionId?: Buffer
  /** Extra attributes as [type, value]; values are padded to 4 bytes. */
  attributes?: Array<[number, Buffer]>
  fingerprint?: boolean
  type?: number
}

const attribute = (type: number, value: Buffer) => {
  const header = Buffer.alloc(4)
  header.writeUInt16BE(type, 0)
  header.writeUInt16BE(value.length, 2)
  return Buffer.concat([header, value, Buffer.alloc((4 - (value.length % 4)) % 4)])
}

/** A Binding request (or another type), with a correct FINGERPRINT when asked. */
export function stunRequest(options: RequestOptions = {}): Buffer {
  const transactionId = options.transactionId ?? randomBytes(12)
  const body = Buffer.concat((options.attributes ?? []).map(([type, value]) => attribute(type, value)))
  const header = Buffer.alloc(20)
  header.writeUInt16BE(options.type ?? 0x0001, 0)
  header.writeUInt16BE(body.length + (options.fingerprint ? 8 : 0), 2)
  cookie.copy(header, 4)
  transactionId.copy(header, 8)
  const message = Buffer.concat([header, body])
  if (!options.fingerprint) return message
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE((crc32(message) ^ 0x5354554e) >>> 0)
  return Buffer.concat([message, attribute(0x8028, crc)])
}

export interface Decoded {
  type: number
  transactionId: Buffer
  family: 'IPv4' | 'IPv6'
  address: string
  port: number
  /** null when the response carries no FINGERPRINT. */
  fingerprintValid: boolean | null
}

/** Reads a Binding success response: its XOR-MAPPED-ADDRESS and FINGERPRINT. */
export function decodeResponse(message: Buffer): Decoded {
  let mapped: Pick<Decoded, 'family' | 'address' | 'port'> | null = null
  let fingerprintValid: boolean | null = null
  for (let at = 20; at < message.length;) {
    const type = message.readUInt16BE(at)
    const length = message.readUInt16BE(at + 2)
    const value = message.subarray(at + 4, at + 4 + length)
    if (type === 0x0020) {
      const family = value[1] === 0x01 ? 'IPv4' : 'IPv6'
      const xored = value.subarray(4)
      const key = message.subarray(4, 4 + xored.length)
      const bytes = [...xored].map((byte, i) => byte ^ key[i]!)
      const address =
        family === 'IPv4'
          ? bytes.join('.')
          : Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16)).join(':')
      mapped = { family, address, port: value.readUInt16BE(2) ^ 0x2112 }
    }
    if (type === 0x8028) {
      fingerprintValid = value.readUInt32BE(0) === (crc32(message.subarray(0, at)) ^ 0x5354554e) >>> 0
    }
    at += 4 + Math.ceil(length / 4) * 4
  }
  if (mapped === null) throw new Error('no XOR-MAPPED-ADDRESS')
  return { type: message.readUInt16BE(0), transactionId: message.subarray(8, 20), ...mapped, fingerprintValid }
}

export interface UdpClient {
  socket: Socket
  port: number
  /** Sends a datagram to the STUN server. */
  send(datagram: Buffer): void
  /** The next datagram received, or null when none comes within the window. */
  next(windowMs?: number): Promise<Buffer | null>
  close(): Promise<void>
}

/** A UDP socket on 127.0.0.1 talking to the server's STUN port. */
export async function udpClient(serverPort: number): Promise<UdpClient> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const inbox: Buffer[] = []
  const waiting: Array<(datagram: Buffer) => void> = []
  socket.on('message', (datagram) => {
    const waiter = waiting.shift()
    if (waiter) waiter(datagram)
    else inbox.push(datagram)
  })
  return {
    socket,
    port: socket.address().port,
    send: (datagram) => socket.send(datagram, serverPort, '127.0.0.1'),
    next: (windowMs = 2000) =>
      new Promise((resolve) => {
        const queued = inbox.shift()
        if (queued) return resolve(queued)
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(taker), 1)
          resolve(null)
        }, windowMs)
        const taker = (datagram: Buffer) => {
          clearTimeout(timer)
          resolve(datagram)
        }
        waiting.push(taker)
      }),
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  }
}
