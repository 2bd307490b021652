// Per-chat Ed25519 signatures on our messages (WebCrypto: native, a fraction of a millisecond, where
// tweetnacl takes ~13 ms). The server learns the public key with our search, so a partner who reports
// us can prove what we sent, and only they can choose to; nobody can forge a message in our name.
import { signedMessageBytes, signatureBytes, signKeyBytes } from '#protocol/message-signature.ts'
import { fromBase64, toBase64 } from './bytes.ts'

export interface SigningKeys {
  privateKey: CryptoKey
  /** The raw public key, standard base64: `match:find.signKey`. */
  publicKey: string
}

const algorithm = { name: 'Ed25519' } as const

/** A fresh key pair; null where the browser has no Ed25519 (messages then go unsigned, and cannot be reported). */
export async function makeSigningKeys(): Promise<SigningKeys | null> {
  try {
    const pair = (await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify'])) as CryptoKeyPair
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))
    return { privateKey: pair.privateKey, publicKey: toBase64(raw) }
  } catch {
    return null
  }
}

/** The signature of one message, standard base64. */
export async function signMessage(
  key: CryptoKey,
  chatId: string,
  message: { id: string; sentAt: number; text: string },
): Promise<string> {
  const data = signedMessageBytes(chatId, message.id, message.sentAt, message.text)
  return toBase64(new Uint8Array(await crypto.subtle.sign(algorithm, key, data)))
}

/** Checks the partner's messages against the key the server announced for them in this chat. */
export class SignatureCheck {
  /** The key; 'unsupported' where this browser cannot check Ed25519 (none, or no WebCrypto at all). */
  readonly #key: Promise<CryptoKey | 'unsupported'>
  readonly #chatId: string

  constructor(chatId: string, publicKey: string) {
    this.#chatId = chatId
    const raw = fromBase64(publicKey)
    const subtle = globalThis.crypto?.subtle as SubtleCrypto | undefined
    if (raw?.length !== signKeyBytes) this.#key = Promise.resolve(unusableKey)
    else if (!subtle) this.#key = Promise.resolve('unsupported')
    // The server checked the key's form: a browser that cannot import it has no Ed25519.
    else
      this.#key = subtle.importKey('raw', new Uint8Array(raw), algorithm, false, ['verify']).catch(() => 'unsupported')
  }

  /**
   * True for a genuine message, false for a missing, malformed or wrong signature (dropped like a tampered
   * frame), null where this browser cannot check Ed25519 (the message is shown, but cannot be reported).
   */
  async verify(message: { id: string; sentAt: number; text: string; sig?: string }): Promise<boolean | null> {
    const key = await this.#key
    if (key === 'unsupported') return null
    const signature = message.sig === undefined ? null : fromBase64(message.sig)
    if (key === unusableKey || signature?.length !== signatureBytes) return false
    const data = signedMessageBytes(this.#chatId, message.id, message.sentAt, message.text)
    return globalThis.crypto.subtle.verify(algorithm, key, new Uint8Array(signature), data).catch(() => false)
  }
}

/** Stands for a partner key no browser could import: every message it "signs" fails. */
const unusableKey = {} as CryptoKey
