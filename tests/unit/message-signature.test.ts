// The bytes a message signature covers (one copy for app and server) and the server's evidence verifier.
import { generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signedMessageBytes } from '#protocol/message-signature.ts'
import { publicKeyOf, verifyEvidence } from '../../signaling/safety/evidence.ts'
import { newSigner } from '../support/safety.ts'

describe('signedMessageBytes', () => {
  it('is the UTF-8 of the version tag, chat id, message id, sentAt in decimal and the text, one per line', () => {
    const bytes = signedMessageBytes('chat-1', 'm1', 1_700_000_000_123, 'héllo\nworld 🙂')
    expect(new TextDecoder().decode(bytes)).toBe('hush-msg-v1\nchat-1\nm1\n1700000000123\nhéllo\nworld 🙂')
    expect(Buffer.from(bytes).subarray(-4)).toEqual(Buffer.from('🙂'))
  })

  it('refuses a sentAt that is not an integer (no "1.5" or "1e+21" in signed bytes)', () => {
    expect(() => signedMessageBytes('c', 'm', 1.5, 't')).toThrow(RangeError)
    expect(() => signedMessageBytes('c', 'm', 1e21, 't')).toThrow(RangeError)
  })
})

describe('verifyEvidence', () => {
  const signer = newSigner()

  it('accepts messages signed by the key for that chat', () => {
    expect(verifyEvidence('c1', signer.signKey, [signer.message('c1', 'a'), signer.message('c1', '')])).toBe(true)
  })

  it('refuses when any item fails: other chat, other key, altered field, malformed signature, or no items', () => {
    const good = signer.message('c1', 'a')
    const other = newSigner()
    expect(verifyEvidence('c2', signer.signKey, [good])).toBe(false)
    expect(verifyEvidence('c1', other.signKey, [good])).toBe(false)
    expect(verifyEvidence('c1', signer.signKey, [good, { ...good, id: 'm9' }])).toBe(false)
    expect(verifyEvidence('c1', signer.signKey, [{ ...good, sig: good.sig.slice(1) }])).toBe(false)
    expect(verifyEvidence('c1', signer.signKey, [])).toBe(false)
    expect(verifyEvidence('c1', '', [good])).toBe(false)
  })

  it('takes a signKey only as canonical standard base64 of 32 bytes', () => {
    expect(publicKeyOf(signer.signKey)).not.toBeNull()
    expect(publicKeyOf(Buffer.alloc(31).toString('base64'))).toBeNull()
    expect(publicKeyOf(signer.signKey.replace(/=$/, ''))).toBeNull()
    expect(publicKeyOf(Buffer.from(signer.signKey, 'base64').toString('base64url'))).toBe(null)
  })

  it('verifies a signature made from the raw key (as WebCrypto exports it)', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64')
    const sig = sign(null, signedMessageBytes('c', 'm', 5, 'x'), privateKey).toString('base64')
    expect(verifyEvidence('c', raw, [{ id: 'm', sentAt: 5, text: 'x', sig }])).toBe(true)
  })
})
