import { describe, expect, it } from 'vitest'
import nacl from 'tweetnacl'
import {
  commitmentMatches,
  commitmentOf,
  createCipher,
  newKeyPair,
  safetyCode,
  sdpFingerprint,
} from '../../app/src/lib/link/crypto.ts'

const utf8 = (text: string) => new TextEncoder().encode(text)
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

function pairOfCiphers() {
  const alice = newKeyPair()
  const bob = newKeyPair()
  return {
    alice,
    bob,
    initiator: createCipher(bob.publicKey, alice, 'initiator'),
    responder: createCipher(alice.publicKey, bob, 'responder'),
  }
}

describe('sealed frames', () => {
  it('round-trips in both directions', () => {
    const { initiator, responder } = pairOfCiphers()
    const there = responder.open(initiator.seal(utf8('hello')))
    expect(there.ok && text(there.plaintext)).toBe('hello')
    const back = initiator.open(responder.seal(utf8('hi back')))
    expect(back.ok && text(back.plaintext)).toBe('hi back')
  })

  it('never repeats a nonce: the same plaintext seals differently each time', () => {
    const { initiator } = pairOfCiphers()
    const first = initiator.seal(utf8('same'))
    const second = initiator.seal(utf8('same'))
    expect(first.subarray(0, 24)).not.toEqual(second.subarray(0, 24))
  })

  it('rejects a reflected frame (our own frame sent back to us)', () => {
    const { initiator } = pairOfCiphers()
    expect(initiator.open(initiator.seal(utf8('mine')))).toEqual({ ok: false, reason: 'reflected' })
  })

  it('rejects a replayed frame', () => {
    const { initiator, responder } = pairOfCiphers()
    const frame = initiator.seal(utf8('once'))
    expect(responder.open(frame).ok).toBe(true)
    expect(responder.open(frame)).toEqual({ ok: false, reason: 'stale' })
  })

  it('rejects reordered frames', () => {
    const { initiator, responder } = pairOfCiphers()
    const first = initiator.seal(utf8('1'))
    const second = initiator.seal(utf8('2'))
    expect(responder.open(second).ok).toBe(true)
    expect(responder.open(first)).toEqual({ ok: false, reason: 'stale' })
  })

  it('rejects tampered frames and does not let them advance the counter', () => {
    const { initiator, responder } = pairOfCiphers()
    const frame = initiator.seal(utf8('pay 10'))
    const tampered = frame.slice()
    tampered[tampered.length - 1]! ^= 1
    expect(responder.open(tampered)).toEqual({ ok: false, reason: 'tampered' })
    const forgedCounter = frame.slice()
    forgedCounter[8] = 0xff
    expect(responder.open(forgedCounter)).toEqual({ ok: false, reason: 'tampered' })
    expect(responder.open(frame).ok).toBe(true)
  })

  it('rejects frames sealed under another key, and junk', () => {
    const { responder } = pairOfCiphers()
    const stranger = createCipher(newKeyPair().publicKey, newKeyPair(), 'initiator')
    expect(responder.open(stranger.seal(utf8('x')))).toEqual({ ok: false, reason: 'tampered' })
    expect(responder.open(new Uint8Array(10))).toEqual({ ok: false, reason: 'malformed' })
    expect(responder.open(new Uint8Array(100))).toEqual({ ok: false, reason: 'malformed' })
  })
})

describe('commitment', () => {
  it('matches the committed key only', () => {
    const key = newKeyPair().publicKey
    const commitment = commitmentOf(key)
    expect(commitmentMatches(commitment, key)).toBe(true)
    expect(commitmentMatches(commitment, newKeyPair().publicKey)).toBe(false)
    expect(commitmentMatches(commitment.subarray(0, 32), key)).toBe(false)
  })
})

describe('safety code', () => {
  const printA =
    'sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99'
  const printB =
    'sha-256 11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF'
  const keyA = newKeyPair().publicKey
  const keyB = newKeyPair().publicKey

  it('is equal on both sides (inputs in each side’s own order)', () => {
    const mine = safetyCode({ publicKeys: [keyA, keyB], fingerprints: [printA, printB] })
    const theirs = safetyCode({ publicKeys: [keyB, keyA], fingerprints: [printB, printA.toLowerCase()] })
    expect(mine).toBe(theirs)
    expect(mine).toMatch(/^\d{3} \d{3} \d{3} \d{3}$/)
  })

  it('differs when a key is swapped', () => {
    const honest = safetyCode({ publicKeys: [keyA, keyB], fingerprints: [printA, printB] })
    const swapped = safetyCode({ publicKeys: [keyA, newKeyPair().publicKey], fingerprints: [printA, printB] })
    expect(swapped).not.toBe(honest)
  })

  it('differs when a DTLS fingerprint is swapped', () => {
    const honest = safetyCode({ publicKeys: [keyA, keyB], fingerprints: [printA, printB] })
    const swapped = safetyCode({ publicKeys: [keyA, keyB], fingerprints: [printA, printA] })
    expect(swapped).not.toBe(honest)
  })

  it('carries at least 30 bits', () => {
    const codes = new Set(
      Array.from({ length: 200 }, () =>
        safetyCode({ publicKeys: [newKeyPair().publicKey, keyB], fingerprints: [printA, printB] }),
      ),
    )
    expect(codes.size).toBe(200)
    expect(Math.log2(10 ** 12)).toBeGreaterThan(30)
  })

  it('reads the fingerprint from an SDP', () => {
    const sdp = `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:sha-256 ${printA.slice(8).toLowerCase()}\r\na=setup:actpass\r\n`
    expect(sdpFingerprint(sdp)).toBe(printA.toUpperCase())
    expect(sdpFingerprint('v=0\r\n')).toBeNull()
  })

  it('uses tweetnacl’s SHA-512 (sanity)', () => {
    expect(nacl.hash(new Uint8Array()).length).toBe(64)
  })
})
