// Verifies reported messages: each must carry the reported partner's Ed25519 signature over the bytes
// the app signed (protocol/message-signature.ts). One bad item spoils the whole report.
import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import type { Evidence } from '#protocol'
import { signaturePattern, signedMessageBytes, signKeyPattern } from '#protocol/message-signature.ts'

// An Ed25519 SubjectPublicKeyInfo is this 12-byte DER header followed by the 32 raw key bytes (RFC 8410).
const spkiPrefix = Buffer.from('302a300506032b6570032100', 'hex')

/** The public key of a base64 signKey; null when it is not one. */
export function publicKeyOf(signKey: string): KeyObject | null {
  if (!signKeyPattern.test(signKey)) return null
  try {
    return createPublicKey({
      key: Buffer.concat([spkiPrefix, Buffer.from(signKey, 'base64')]),
      format: 'der',
      type: 'spki',
    })
  } catch {
    return null
  }
}

/** True when every item is signed by `signKey` for this chat; false for none, or any failure. */
export function verifyEvidence(chatId: string, signKey: string, items: readonly Evidence[]): boolean {
  const key = publicKeyOf(signKey)
  if (!key || items.length === 0) return false
  return items.every((item) => {
    if (!signaturePattern.test(item.sig) || !Number.isSafeInteger(item.sentAt)) return false
    const data = signedMessageBytes(chatId, item.id, item.sentAt, item.text)
    return verify(null, data, key, Buffer.from(item.sig, 'base64'))
  })
}
