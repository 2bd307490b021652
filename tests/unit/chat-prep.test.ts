import { describe, expect, it } from 'vitest'
import { ChatPreparation } from '../../app/src/lib/chat-prep.ts'
import { commitmentMatches, commitmentOf } from '../../app/src/lib/crypto.ts'

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
    expect(prep.take()).toEqual({ keyPair: undefined, certificate: undefined })
    await Promise.all(asked)
    expect(prep.take().keyPair).toBeDefined()
    expect(prep.take().keyPair).toBeUndefined()
  })

  it('has no certificate where WebRTC is absent (the peer connection then makes its own)', async () => {
    const prep = new ChatPreparation()
    await prep.prepare()
    expect(prep.take().certificate).toBeUndefined()
  })
})
