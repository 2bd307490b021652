import { describe, expect, it } from 'vitest'
import { commitmentOf, newKeyPair } from '../../app/src/lib/link/crypto.ts'
import { encodeHandshake, type Frame } from '../../app/src/lib/link/frames.ts'
import { createSecureChannel, type SecureChannel } from '../../app/src/lib/link/secure-channel.ts'

interface End {
  channel: SecureChannel
  frames: Frame[]
  dropped: string[]
  failures: string[]
  sent: (string | Uint8Array)[]
  keys: { mine: Uint8Array; theirs: Uint8Array } | null
}

function end(role: 'initiator' | 'responder', deliver: (data: string | Uint8Array) => void): End {
  const state: End = { channel: null as never, frames: [], dropped: [], failures: [], sent: [], keys: null }
  state.channel = createSecureChannel({
    role,
    maxMessageChars: 500,
    transmit: (data) => {
      state.sent.push(data)
      deliver(data)
    },
    onReady: (keys) => (state.keys = keys),
    onFrame: (frame) => state.frames.push(frame),
    onDropped: (reason) => state.dropped.push(reason),
    onFailure: (reason) => state.failures.push(reason),
  })
  return state
}

/**
 * Two ends wired back to back; bytes travel as strings or Uint8Array like simple-peer hands them over.
 * The initiator derives the shared key in a microtask after its last handshake frame: awaited here.
 */
async function wired() {
  const ends: { a?: End; b?: End; hold: boolean } = { hold: false }
  ends.a = end('initiator', (data) => {
    if (!ends.hold) ends.b!.channel.receive(typeof data === 'string' ? new TextEncoder().encode(data) : data)
  })
  ends.b = end('responder', (data) => ends.a!.channel.receive(data))
  ends.a.channel.open()
  ends.b.channel.open()
  await Promise.resolve()
  return { a: ends.a, b: ends.b, wire: ends }
}

describe('secure channel', () => {
  it('completes the commitment handshake and exchanges sealed frames', async () => {
    const { a, b } = await wired()
    expect(a.channel.ready && b.channel.ready).toBe(true)
    expect(a.keys!.mine).toEqual(b.keys!.theirs)
    a.channel.send({ t: 'msg', id: 'abcdefgh12', text: 'hi', sentAt: 1 })
    b.channel.send({ t: 'ack', id: 'abcdefgh12' })
    expect(b.frames).toEqual([{ t: 'msg', id: 'abcdefgh12', text: 'hi', sentAt: 1 }])
    expect(a.frames).toEqual([{ t: 'ack', id: 'abcdefgh12' }])
  })

  it('sends the initiator’s key only after the responder revealed its own', async () => {
    const { a } = await wired()
    const [commit, hello] = (a.sent as Uint8Array[]).map((bytes) => new TextDecoder().decode(bytes))
    expect(JSON.parse(commit!).t).toBe('commit')
    expect(JSON.parse(hello!).t).toBe('hello')
  })

  it('seals everything after the handshake: no readable byte of a frame crosses', async () => {
    const { a } = await wired()
    a.channel.send({ t: 'msg', id: 'abcdefgh12', text: 'top secret words', sentAt: 1 })
    a.channel.send({ t: 'typing', on: true })
    const after = a.sent.slice(2)
    expect(after.every((data) => data instanceof Uint8Array)).toBe(true)
    const text = after.map((data) => Buffer.from(data as Uint8Array).toString('latin1')).join('')
    expect(text).not.toContain('secret')
    expect(text).not.toContain('typing')
  })

  it('refuses a revealed key that does not match the commitment', () => {
    const responderSent: (string | Uint8Array)[] = []
    const responder = end('responder', (data) => responderSent.push(data))
    responder.channel.receive(encodeHandshake({ t: 'commit', commitment: commitmentOf(newKeyPair().publicKey) }))
    responder.channel.receive(encodeHandshake({ t: 'hello', publicKey: newKeyPair().publicKey }))
    expect(responder.failures).toEqual(['commitment-mismatch'])
    expect(responder.channel.ready).toBe(false)
    expect(responder.channel.send({ t: 'ping' })).toBe(false)
  })

  it('refuses a hello before the commitment, and junk during the handshake', () => {
    const early = end('responder', () => {})
    early.channel.receive(encodeHandshake({ t: 'hello', publicKey: newKeyPair().publicKey }))
    expect(early.failures).toEqual(['protocol-violation'])
    const junk = end('responder', () => {})
    junk.channel.receive('{"t":"commit","v":1,"h":"short"}')
    expect(junk.failures).toEqual(['protocol-violation'])
  })

  it('drops and counts replayed, reflected and tampered frames without delivering them', async () => {
    const { a, b, wire } = await wired()
    a.channel.send({ t: 'msg', id: 'abcdefgh12', text: 'one', sentAt: 1 })
    // The wire already delivered it once: these are a replay and a tampered replay.
    const sealed = a.sent.at(-1) as Uint8Array
    b.channel.receive(sealed)
    const tampered = sealed.slice()
    tampered[30]! ^= 0x40
    b.channel.receive(tampered)
    b.channel.send({ t: 'ping' })
    b.channel.receive(b.sent.at(-1) as Uint8Array)
    b.channel.receive('{"t":"msg"}')
    expect(b.frames.filter((f) => f.t === 'msg')).toHaveLength(1)
    expect(b.dropped).toEqual(['stale', 'stale', 'reflected', 'malformed'])
    wire.hold = true
    a.channel.send({ t: 'msg', id: 'abcdefgh13', text: 'two', sentAt: 2 })
    const next = (a.sent.at(-1) as Uint8Array).slice()
    next[next.length - 1]! ^= 1
    b.channel.receive(next)
    expect(b.dropped.at(-1)).toBe('tampered')
    expect(b.frames.filter((f) => f.t === 'msg')).toHaveLength(1)
  })
})
