// The E2E layer over any byte path (or several in turn): commitment handshake, then sealed frames only.
import { commitmentMatches, commitmentOf, createCipher, newKeyPair, type Cipher, type DropReason } from './crypto.ts'
import type { KeyPair, Role } from './crypto.ts'
import { compareBytes, fromUtf8, utf8 } from './bytes.ts'
import { encodeFrame, encodeHandshake, parseFrame, parseHandshake, type Frame } from './frames.ts'

export type HandshakeFailure = 'commitment-mismatch' | 'protocol-violation'

export interface SecureChannelOptions {
  role: Role
  maxMessageChars: number
  /** Writes one frame to whichever path is up (the handshake's JSON as UTF-8, then sealed frames). */
  transmit(data: Uint8Array): void
  onReady(keys: { mine: Uint8Array; theirs: Uint8Array }): void
  onFrame(frame: Frame): void
  onDropped(reason: DropReason | 'unreadable'): void
  onFailure(reason: HandshakeFailure): void
  /** Injected only by tests. */
  keyPair?: KeyPair
}

export interface SecureChannel {
  /** Call once the transport is open; the initiator then sends its commitment. */
  open(): void
  receive(data: string | Uint8Array): void
  /** False until the handshake is done: nothing readable is ever sent after it. */
  send(frame: Frame): boolean
  readonly ready: boolean
}

type Phase = 'closed' | 'await-commit' | 'await-hello' | 'deriving' | 'await-reveal' | 'ready' | 'failed'

export function createSecureChannel(options: SecureChannelOptions): SecureChannel {
  const { role, transmit } = options
  // Fresh per chat; the secret key lives only in this closure.
  const keys = options.keyPair ?? newKeyPair()
  // The responder listens from the start: the initiator's commitment may race our own 'open' event.
  let phase: Phase = role === 'responder' ? 'await-commit' : 'closed'
  let theirCommitment: Uint8Array | null = null
  let cipher: Cipher | null = null

  function fail(reason: HandshakeFailure): void {
    phase = 'failed'
    cipher = null
    options.onFailure(reason)
  }

  function becomeReady(theirs: Uint8Array): void {
    cipher = createCipher(theirs, keys, role)
    phase = 'ready'
    options.onReady({ mine: keys.publicKey, theirs })
  }

  function onHandshake(text: string): void {
    const frame = parseHandshake(text)
    if (!frame) return fail('protocol-violation')
    if (phase === 'await-commit' && frame.t === 'commit') {
      theirCommitment = frame.commitment
      phase = 'await-reveal'
      transmit(utf8(encodeHandshake({ t: 'hello', publicKey: keys.publicKey })))
      return
    }
    if (frame.t !== 'hello' || compareBytes(frame.publicKey, keys.publicKey) === 0) return fail('protocol-violation')
    if (phase === 'await-hello') {
      // The responder has revealed first; only now may the initiator reveal the committed key.
      transmit(utf8(encodeHandshake({ t: 'hello', publicKey: keys.publicKey })))
      // The shared key (milliseconds of X25519) after the frame has left: a transport may finish a
      // write in a microtask, and the partner's own key computation then overlaps ours.
      phase = 'deriving'
      const theirs = frame.publicKey
      return queueMicrotask(() => phase === 'deriving' && becomeReady(theirs))
    }
    if (phase === 'await-reveal' && theirCommitment) {
      if (!commitmentMatches(theirCommitment, frame.publicKey)) return fail('commitment-mismatch')
      return becomeReady(frame.publicKey)
    }
    fail('protocol-violation')
  }

  return {
    get ready() {
      return phase === 'ready'
    },
    open() {
      if (phase !== 'closed') return
      phase = 'await-hello'
      transmit(utf8(encodeHandshake({ t: 'commit', commitment: commitmentOf(keys.publicKey) })))
    },
    receive(data) {
      if (phase === 'failed') return
      // Paths hand frames over as bytes (a test may hand text): the phase, not the type, decides.
      if (!cipher) {
        const text = typeof data === 'string' ? data : fromUtf8(data)
        if (phase === 'closed' || text === null) return fail('protocol-violation')
        return onHandshake(text)
      }
      if (typeof data === 'string') return options.onDropped('malformed')
      const opened = cipher.open(data)
      if (!opened.ok) return options.onDropped(opened.reason)
      const frame = parseFrame(opened.plaintext, options.maxMessageChars)
      if (!frame) return options.onDropped('unreadable')
      options.onFrame(frame)
    },
    send(frame) {
      if (!cipher) return false
      transmit(cipher.seal(encodeFrame(frame)))
      return true
    },
  }
}
