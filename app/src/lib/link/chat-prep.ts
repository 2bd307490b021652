// What every chat needs fresh and can be made before it starts, while the page is idle: the X25519 key
// pair, the DTLS certificate and the Ed25519 signing keys. None is ever used twice (a reused certificate
// would let the signaling server link one person's chats by its fingerprint).
import { prepareKeyPair, type KeyPair } from './crypto.ts'
import { makeSigningKeys, type SigningKeys } from './signing.ts'
import { whenIdle } from '../idle.ts'

export interface ChatCredentials {
  keyPair: KeyPair | undefined
  certificate: RTCCertificate | undefined
  /** The signing keys whose public half went with the search; null where the browser cannot sign. */
  signing: SigningKeys | null
}

/** Made at once (a search needs its public key); `made` once settled, which it is before any find leaves. */
interface PendingSigning {
  keys: Promise<SigningKeys | null>
  made?: SigningKeys | null
}

const certificateAlgorithm: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' }

export class ChatPreparation {
  #keyPair: KeyPair | null = null
  #certificate: RTCCertificate | null = null
  #signing: PendingSigning | null = null
  #pending = false

  #ready: Promise<void> = Promise.resolve()

  /** Makes whatever is missing once the page is idle; cheap to call often. Settles when that is done. */
  prepare(): Promise<void> {
    void this.signingKeys() // at once: the next search announces its public half
    if (this.#pending || (this.#keyPair && this.#certificate)) return this.#ready
    this.#pending = true
    this.#ready = new Promise<void>((done) =>
      whenIdle(() => {
        this.#pending = false
        this.#keyPair ??= prepareKeyPair()
        const webrtc = typeof RTCPeerConnection === 'function' ? RTCPeerConnection : null
        // Older browsers lack generateCertificate: the peer connection makes its own then.
        if (this.#certificate || typeof webrtc?.generateCertificate !== 'function') return done()
        webrtc
          .generateCertificate(certificateAlgorithm)
          .then(
            (certificate) => void (this.#certificate ??= certificate),
            // Without one, the peer connection makes its own: slower, not broken.
            () => undefined,
          )
          .finally(done)
      }),
    )
    return this.#ready
  }

  /** The signing keys of the next chat: what a search announces (the same until a chat takes them). */
  signingKeys(): Promise<SigningKeys | null> {
    if (this.#signing) return this.#signing.keys
    const signing: PendingSigning = { keys: makeSigningKeys() }
    void signing.keys.then((keys) => (signing.made = keys))
    this.#signing = signing
    return signing.keys
  }

  /** The signing keys when made (null: this browser cannot sign); undefined while in the making. */
  signingKeysMade(): SigningKeys | null | undefined {
    return this.#signing?.made
  }

  /** The server saw these keys with a search that made no chat (cancelled, or released): the next gets new ones. */
  renewSigningKeys(): void {
    this.#signing = null
    void this.signingKeys()
  }

  /** Hands over what is ready (each item once); the chat makes the rest itself. */
  take(): ChatCredentials {
    // The match answers a find, which left with these keys' public half: they are made.
    const signing = this.#signing?.made ?? null
    const keyPair = this.#keyPair ?? undefined
    const certificate = this.#certificate && this.#certificate.expires > Date.now() ? this.#certificate : undefined
    this.#keyPair = null
    this.#certificate = null
    this.#signing = null
    return { keyPair, certificate, signing }
  }
}
