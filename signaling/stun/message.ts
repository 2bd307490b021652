// STUN Binding (RFC 8489) as far as a public STUN server needs it: parse a Binding request, or
// refuse it (null), and build the success response carrying XOR-MAPPED-ADDRESS.
import { isIPv4, isIPv6 } from 'node:net'
import { crc32 } from 'node:zlib'
import { hextets } from '../address-key.ts'

const headerBytes = 20
const magicCookie = 0x2112a442
const bindingRequest = 0x0001
const bindingSuccess = 0x0101
const xorMappedAddress = 0x0020
const fingerprintType = 0x8028
const fingerprintXor = 0x5354554e
/** The IPv4 minimum reassembly size less IP and UDP headers: no legitimate request is larger. */
export const maxRequestBytes = 548

export interface BindingRequest {
  /** The 12-byte transaction id, a view into the request (copied into the response). */
  transactionId: Buffer
  /** Whether the request carried a valid FINGERPRINT: the response then carries one too. */
  fingerprint: boolean
}

/** A Binding request, or null for anything else: truncated, oversized, malformed, another method or class. */
export function parseBindingRequest(datagram: Buffer): BindingRequest | null {
  if (datagram.length < headerBytes || datagram.length > maxRequestBytes) return null
  if (datagram.readUInt16BE(0) !== bindingRequest) return null // also refuses the two top bits set
  const length = datagram.readUInt16BE(2)
  if (length !== datagram.length - headerBytes || length % 4 !== 0) return null
  if (datagram.readUInt32BE(4) !== magicCookie) return null
  let fingerprint = false
  for (let at = headerBytes; at < datagram.length;) {
    if (fingerprint || at + 4 > datagram.length) return null // FINGERPRINT must be the last attribute
    const type = datagram.readUInt16BE(at)
    const valueBytes = datagram.readUInt16BE(at + 2)
    const next = at + 4 + Math.ceil(valueBytes / 4) * 4
    if (next > datagram.length) return null
    if (type === fingerprintType) {
      if (valueBytes !== 4 || datagram.readUInt32BE(at + 4) !== fingerprintOf(datagram.subarray(0, at))) return null
      fingerprint = true
    } else if (type < 0x8000) {
      // Comprehension-required: we would owe a 420 or an authentication we do not do. Browsers send none.
      return null
    }
    at = next
  }
  return { transactionId: datagram.subarray(8, headerBytes), fingerprint }
}

/** The success response for `request` from `address`:`port` (IPv4, IPv6, or IPv4-mapped IPv6). */
export function bindingResponse(request: BindingRequest, address: string, port: number): Buffer | null {
  const ip = addressBytes(address)
  if (ip === null) return null
  const attributeBytes = 4 + 4 + ip.length
  const response = Buffer.alloc(headerBytes + attributeBytes + (request.fingerprint ? 8 : 0))
  response.writeUInt16BE(bindingSuccess, 0)
  response.writeUInt16BE(response.length - headerBytes, 2)
  response.writeUInt32BE(magicCookie, 4)
  request.transactionId.copy(response, 8)
  response.writeUInt16BE(xorMappedAddress, 20)
  response.writeUInt16BE(4 + ip.length, 22)
  response.writeUInt8(ip.length === 4 ? 0x01 : 0x02, 25)
  response.writeUInt16BE(port ^ (magicCookie >>> 16), 26)
  // The address is XORed with the cookie (IPv4), or with the cookie and the transaction id (IPv6).
  ip.forEach((byte, i) => response.writeUInt8(byte ^ response.readUInt8(4 + i), 28 + i))
  if (request.fingerprint) {
    const at = headerBytes + attributeBytes
    response.writeUInt16BE(fingerprintType, at)
    response.writeUInt16BE(4, at + 2)
    response.writeUInt32BE(fingerprintOf(response.subarray(0, at)), at + 4)
  }
  return response
}

/** CRC-32 of the message so far (its length field already counting the FINGERPRINT), XOR 0x5354554e. */
const fingerprintOf = (message: Buffer): number => (crc32(message) ^ fingerprintXor) >>> 0

/** 4 bytes for IPv4 (an IPv4-mapped IPv6 address included), 16 for IPv6, null for no address. */
function addressBytes(address: string): Uint8Array | null {
  const zone = address.indexOf('%')
  const bare = zone === -1 ? address : address.slice(0, zone)
  if (isIPv4(bare)) return Uint8Array.from(bare.split('.').map(Number))
  if (!isIPv6(bare)) return null
  const groups = hextets(bare)
  const bytes = Uint8Array.from(groups.flatMap((group) => [group >> 8, group & 0xff]))
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff
  return mapped ? bytes.subarray(12) : bytes
}
