// What every chat needs fresh and can be made before it starts, while the page is idle: the X25519 key
// pair and the DTLS certificate. Neither is ever used twice (a reused certificate would let the
// signaling server link one person's chats by its fingerprint).
import { prepareKeyPair, type KeyPair } from './crypto.ts'

export interface ChatCredentials {
  keyPair: KeyPair | undefined
  certificate: RTCCertificate | undefined
}

/** Safari lacks requestIdleCallback: a timer then. */
function whenIdle(task: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(task, { timeout: 2000 })
  else setTimeout(task, 0)
}

const certificateAlgorithm: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' }

export class ChatPreparation {
  #keyPair: KeyPair | null = null
  #certificate: RTCCertificate | null = null
  #pending = false

  #ready: Promise<void> = Promise.resolve()

  /** Makes whatever is missing once the page is idle; cheap to call often. Settles when that is done. */
  prepare(): Promise<void> {
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

  /** Hands over what is ready (each item once); the chat makes the rest itself. */
  take(): ChatCredentials {
    const keyPair = this.#keyPair ?? undefined
    const certificate = this.#certificate && this.#certificate.expires > Date.now() ? this.#certificate : undefined
    this.#keyPair = null
    this.#certificate = null
    return { keyPair, certificate }
  }
}
