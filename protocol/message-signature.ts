// The bytes a chat message's Ed25519 signature covers: the app signs them, the server verifies reports
// against them. One copy for both sides, so they can never disagree by a byte. No Node imports here.

export const messageSignatureVersion = 'hush-msg-v1'
/** An Ed25519 signature's length; its standard base64 is 88 characters. */
export const signatureBytes = 64
/** An Ed25519 public key's raw length; its standard base64 is 44 characters. */
export const signKeyBytes = 32
/** A signKey as both sides accept it: standard base64 of exactly 32 bytes, canonical (unused bits zero). */
export const signKeyPattern = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/
/** A `sig` as both sides accept it: standard base64 of exactly 64 bytes, canonical. */
export const signaturePattern = /^[A-Za-z0-9+/]{85}[AQgw]==$/

/** UTF-8 of `"hush-msg-v1\n" + chatId + "\n" + id + "\n" + sentAt + "\n" + text`, `sentAt` as a decimal integer (ms). */
export function signedMessageBytes(chatId: string, id: string, sentAt: number, text: string): Uint8Array<ArrayBuffer> {
  if (!Number.isSafeInteger(sentAt)) throw new RangeError('sentAt must be an integer number of milliseconds')
  return new TextEncoder().encode(`${messageSignatureVersion}\n${chatId}\n${id}\n${sentAt.toString(10)}\n${text}`)
}
