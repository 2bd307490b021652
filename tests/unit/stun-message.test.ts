import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { bindingResponse, maxRequestBytes, parseBindingRequest } from '../../signaling/stun/message.ts'
import { decodeResponse, stunRequest } from '../support/stun.ts'

const transactionId = Buffer.from('0123456789ab')
const software = (text: string): [number, Buffer] => [0x8022, Buffer.from(text)]

function answer(request: Buffer, address: string, port: number) {
  const parsed = parseBindingRequest(request)
  if (parsed === null) throw new Error('refused a good request')
  const response = bindingResponse(parsed, address, port)
  if (response === null) throw new Error('no response')
  return { response, decoded: decodeResponse(response) }
}

describe('a Binding request', () => {
  it('is answered with a success response: same transaction id, the XOR-MAPPED-ADDRESS of the sender (IPv4)', () => {
    const { response, decoded } = answer(stunRequest({ transactionId }), '203.0.113.7', 54321)
    expect(decoded).toEqual({
      type: 0x0101,
      transactionId,
      family: 'IPv4',
      address: '203.0.113.7',
      port: 54321,
      fingerprintValid: null,
    })
    expect(response.readUInt32BE(4)).toBe(0x2112a442)
    expect(response.readUInt16BE(2)).toBe(response.length - 20)
  })

  it('maps an IPv6 sender, XORed with the cookie and the transaction id', () => {
    const { decoded } = answer(stunRequest({ transactionId }), '2001:db8::42', 3478)
    expect(decoded.family).toBe('IPv6')
    expect(decoded.address).toBe('2001:db8:0:0:0:0:0:42')
    expect(decoded.port).toBe(3478)
  })

  it('maps an IPv4 client seen on a dual-stack socket (::ffff:a.b.c.d) as IPv4', () => {
    expect(answer(stunRequest(), '::ffff:198.51.100.9', 40000).decoded).toMatchObject({
      family: 'IPv4',
      address: '198.51.100.9',
      port: 40000,
    })
  })

  it('adds a valid FINGERPRINT only when the request had one', () => {
    expect(answer(stunRequest({ fingerprint: true }), '192.0.2.1', 1).decoded.fingerprintValid).toBe(true)
    expect(answer(stunRequest({ fingerprint: false }), '192.0.2.1', 1).decoded.fingerprintValid).toBeNull()
  })

  it('ignores comprehension-optional attributes (SOFTWARE, padded)', () => {
    const request = stunRequest({ attributes: [software('firefox nICEr')], fingerprint: true })
    expect(answer(request, '192.0.2.1', 9).decoded.port).toBe(9)
  })

  it('is never answered with more than the request plus the address attribute', () => {
    for (const [request, address, attributeBytes] of [
      [stunRequest(), '192.0.2.1', 12],
      [stunRequest({ fingerprint: true }), '192.0.2.1', 12],
      [stunRequest(), '2001:db8::1', 24],
      [stunRequest({ fingerprint: true }), '2001:db8::1', 24],
    ] as const) {
      expect(answer(request, address, 1).response.length).toBeLessThanOrEqual(request.length + attributeBytes)
    }
  })
})

/** Sets a 16-bit field of a copy. */
const withField = (message: Buffer, at: number, value: number) => {
  const copy = Buffer.from(message)
  copy.writeUInt16BE(value, at)
  return copy
}

const good = stunRequest({ transactionId, attributes: [software('x')], fingerprint: true })
const junk: Array<[string, Buffer]> = [
  ['an empty datagram', Buffer.alloc(0)],
  ['a truncated header', good.subarray(0, 19)],
  ['a message shorter than its length field', good.subarray(0, good.length - 4)],
  ['a message longer than its length field', Buffer.concat([good, Buffer.alloc(4)])],
  ['a length that is not a multiple of 4', withField(stunRequest(), 2, 2)],
  ['no magic cookie (RFC 3489)', Buffer.concat([stunRequest().subarray(0, 4), Buffer.alloc(16, 7)])],
  ['a Binding success response', stunRequest({ type: 0x0101 })],
  ['a Binding indication', stunRequest({ type: 0x0011 })],
  ['an Allocate request (TURN)', stunRequest({ type: 0x0003 })],
  ['the two top bits set (not STUN)', stunRequest({ type: 0xc001 })],
  ['an attribute running past the end', withField(stunRequest({ attributes: [software('abcd')] }), 22, 40)],
  ['a wrong FINGERPRINT', withField(good, good.length - 2, good.readUInt16BE(good.length - 2) ^ 1)],
  ['an attribute after the FINGERPRINT', after()],
  ['a comprehension-required attribute (CHANGE-REQUEST)', stunRequest({ attributes: [[0x0003, Buffer.alloc(4)]] })],
  ['an oversized datagram', stunRequest({ attributes: [software('p'.repeat(maxRequestBytes))] })],
  ['random bytes', Buffer.from('this is not a stun message at all!!')],
]

/** A FINGERPRINT followed by another attribute (the length field counting both). */
function after(): Buffer {
  const fingerprinted = stunRequest({ fingerprint: true })
  const extra = Buffer.from([0x80, 0x22, 0x00, 0x00])
  return withField(Buffer.concat([fingerprinted, extra]), 2, fingerprinted.length - 20 + 4)
}

describe('anything else', () => {
  it.each(junk)('refuses %s', (_, datagram) => {
    expect(parseBindingRequest(datagram)).toBeNull()
  })

  it('refuses a datagram one byte over the cap, accepts one at the cap', () => {
    const at = (total: number) => stunRequest({ attributes: [software('p'.repeat(total - 20 - 4))] })
    expect(at(maxRequestBytes).length).toBe(maxRequestBytes)
    expect(parseBindingRequest(at(maxRequestBytes))).not.toBeNull()
    expect(parseBindingRequest(at(maxRequestBytes + 4))).toBeNull()
  })

  it('refuses 10,000 random datagrams without throwing', () => {
    for (let i = 0; i < 10_000; i++) {
      const datagram = randomBytes(Math.floor(Math.random() * 600))
      expect(() => parseBindingRequest(datagram)).not.toThrow()
    }
  })

  it('gives no response for a sender that is not an address', () => {
    const parsed = parseBindingRequest(stunRequest())
    expect(parsed && bindingResponse(parsed, 'not-an-ip', 1)).toBeNull()
  })
})
