import { describe, expect, it } from 'vitest'
import nacl from 'tweetnacl'
import { commitmentMatches, commitmentOf, createCipher, newKeyPair, safetyCode } from '../../app/src/lib/link/crypto.ts'

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

  it('reads once a frame that a slower path delivers late, and refuses it a second time', () => {
    const { initiator, responder } = pairOfCiphers()
    const first = initiator.seal(utf8('1'))
    const second = initiator.seal(utf8('2'))
    expect(responder.open(second).ok).toBe(true)
    expect(responder.open(first).ok).toBe(true)
    expect(responder.open(first)).toEqual({ ok: false, reason: 'stale' })
    expect(responder.open(second)).toEqual({ ok: false, reason: 'stale' })
  })

  it('takes a counter jump of any size at no cost, and reads nothing older than the window after it', () => {
    const { alice, bob, initiator, responder } = pairOfCiphers()
    expect(responder.open(initiator.seal(utf8('first'))).ok).toBe(true) // counter 1: the window holds a bit
    const early = initiator.seal(utf8('early')) // counter 2, held back
    // A modified partner seals with a counter of its choosing: here 2^40, a shift that would take the tab down.
    const key = nacl.box.before(bob.publicKey, alice.secretKey)
    const nonce = new Uint8Array(24)
    nonce[0] = 0x49 // the initiator's direction
    new DataView(nonce.buffer).setBigUint64(1, 2n ** 40n)
    const far = new Uint8Array([...nonce, ...nacl.box.after(utf8('far'), nonce, key)])
    const started = performance.now()
    expect(responder.open(far).ok).toBe(true)
    expect(performance.now() - started).toBeLessThan(50)
    expect(responder.open(early)).toEqual({ ok: false, reason: 'stale' })
  })

  it('refuses a frame older than the replay window (64 frames)', () => {
    const { initiator, responder } = pairOfCiphers()
    const old = initiator.seal(utf8('old'))
    const kept = initiator.seal(utf8('kept'))
    for (let i = 0; i < 63; i++) expect(responder.open(initiator.seal(utf8(`n${i}`))).ok).toBe(true)
    expect(responder.open(kept).ok).toBe(true) // 63 behind the newest: inside the window
    expect(responder.open(old)).toEqual({ ok: false, reason: 'stale' }) // 64 behind: outside
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
  const keyA = newKeyPair().publicKey
  const keyB = newKeyPair().publicKey

  it('is equal on both sides (keys in each side’s own order)', () => {
    const mine = safetyCode([keyA, keyB])
    const theirs = safetyCode([keyB, keyA])
    expect(mine).toBe(theirs)
    expect(mine).toMatch(/^\d{3} \d{3} \d{3} \d{3}$/)
  })

  it('differs when a key is swapped', () => {
    expect(safetyCode([keyA, newKeyPair().publicKey])).not.toBe(safetyCode([keyA, keyB]))
  })

  it('carries at least 30 bits', () => {
    const codes = new Set(Array.from({ length: 200 }, () => safetyCode([newKeyPair().publicKey, keyB])))
    expect(codes.size).toBe(200)
    expect(Math.log2(10 ** 12)).toBeGreaterThan(30)
  })

  it('uses tweetnacl’s SHA-512 (sanity)', () => {
    expect(nacl.hash(new Uint8Array()).length).toBe(64)
  })
})
