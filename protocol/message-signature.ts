// What a message's signature covers, byte for byte, on both sides: the app signs these bytes, and the
// server checks a report's evidence against them. No Node imports here: the app bundles this file.

/** Ed25519 signature length; standard base64 of it is 88 characters. */
export const signatureBytes = 64
/** An Ed25519 public key, raw; standard base64 of it is 44 characters. */
export const signKeyBytes = 32

/** The UTF-8 of `"hush-msg-v1\n" + chatId + "\n" + id + "\n" + sentAt + "\n" + text`. */
export function signedMessageBytes(chatId: string, id: string, sentAt: number, text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`hush-msg-v1\n${chatId}\n${id}\n${Math.trunc(sentAt).toString()}\n${text}`)
}
