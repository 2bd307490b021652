import { afterEach, describe, expect, it, vi } from 'vitest'
import { ChatPreparation } from '../../app/src/lib/link/chat-prep.ts'
import { commitmentMatches, commitmentOf } from '../../app/src/lib/link/crypto.ts'

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('chat preparation', () => {
  it('hands over a fresh key pair made ahead, once', async () => {
    const prep = new ChatPreparation()
    await prep.prepare()
    const first = prep.take()
    expect(first.keyPair?.publicKey).toHaveLength(32)
    expect(first.keyPair && commitmentMatches(commitmentOf(first.keyPair.publicKey), first.keyPair.publicKey)).toBe(
      true,
    )
    // Taken means gone: a second chat never gets the same keys.
    expect(prep.take().keyPair).toBeUndefined()
    await prep.prepare()
    const second = prep.take().keyPair
    expect(second).toBeDefined()
    expect(second?.publicKey).not.toEqual(first.keyPair?.publicKey)
  })

  it('makes one key pair however often it is asked, and none for a chat that did not wait', async () => {
    const prep = new ChatPreparation()
    const asked = [prep.prepare(), prep.prepare(), prep.prepare()]
    // A match that lands before the idle task: nothing is ready, the chat makes its own.
    expect(prep.take()).toEqual({ keyPair: undefined, certificate: undefined, signing: null })
    await Promise.all(asked)
    expect(prep.take().keyPair).toBeDefined()
    expect(prep.take().keyPair).toBeUndefined()
  })

  it('has no certificate where WebRTC is absent (the peer connection then makes its own)', async () => {
    const prep = new ChatPreparation()
    await prep.prepare()
    expect(prep.take().certificate).toBeUndefined()
  })

  it('hands a certificate made ahead to one chat only, and never an expired one', async () => {
    let made = 0
    const fresh = () => ({ id: ++made, expires: Date.now() + 60_000 })
    vi.stubGlobal(
      'RTCPeerConnection',
      Object.assign(function RTCPeerConnection() {}, {
        generateCertificate: () => Promise.resolve(fresh()),
      }),
    )
    const prep = new ChatPreparation()
    await prep.prepare()
    expect(prep.take().certificate).toMatchObject({ id: 1 })
    expect(prep.take().certificate).toBeUndefined()

    vi.stubGlobal(
      'RTCPeerConnection',
      Object.assign(function RTCPeerConnection() {}, {
        generateCertificate: () => Promise.resolve({ expires: Date.now() - 1 }),
      }),
    )
    await prep.prepare()
    expect(prep.take().certificate).toBeUndefined()
  })

  it('copes with a browser that cannot make certificates ahead (the chat still gets its keys)', async () => {
    vi.stubGlobal('RTCPeerConnection', function RTCPeerConnection() {})
    const prep = new ChatPreparation()
    await prep.prepare()
    expect(prep.take()).toMatchObject({ certificate: undefined, keyPair: expect.anything() })
    vi.stubGlobal(
      'RTCPeerConnection',
      Object.assign(function RTCPeerConnection() {}, {
        generateCertificate: () => Promise.reject(new Error('NotSupportedError')),
      }),
    )
    await prep.prepare()
    expect(prep.take()).toMatchObject({ certificate: undefined, keyPair: expect.anything() })
  })
})
