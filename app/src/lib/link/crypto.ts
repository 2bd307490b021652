// End-to-end crypto (docs/app.md, "End-to-end layer"): commitment, shared key, direction + counter nonces with a
// replay window, safety code.
import type Nacl from 'tweetnacl'
import { compareBytes, concatBytes, utf8 } from './bytes.ts'

export type Role = 'initiator' | 'responder'

export interface KeyPair {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

export type DropReason = 'malformed' | 'reflected' | 'stale' | 'tampered'

export type Opened = { ok: true; plaintext: Uint8Array } | { ok: false; reason: DropReason }

export interface Cipher {
  seal(plaintext: Uint8Array): Uint8Array
  open(frame: Uint8Array): Opened
}

const commitTag = utf8('hush-commit-v1\0')
const safetyTag = utf8('hush-safety-v2\0')

/** Nonce layout: byte 0 = sender direction, bytes 1..8 = big-endian 64-bit counter, rest zero. */
const directionOf: Record<Role, number> = { initiator: 0x49, responder: 0x52 }
/** tweetnacl's box: 24-byte nonces, 16-byte tags, 32-byte keys; SHA-512 digests are 64 bytes. */
const nonceLength = 24
const tagLength = 16
const publicKeyLength = 32
const hashLength = 64

let nacl: typeof Nacl | null = null
let loading: Promise<void> | null = null

/**
 * tweetnacl (10 KB gzip) is not on the first screen: it is fetched with the first chat's keys, and every
 * search waits for it (chat-prep.ts), so no chat can start without it.
 */
export const loadCrypto = (): Promise<void> =>
  (loading ??= import('tweetnacl').then(
    (module) => {
      nacl = module.default
    },
    (error: unknown) => {
      loading = null // a failed fetch (a network blip) is tried again by the next caller
      throw error
    },
  ))

function lib(): typeof Nacl {
  if (!nacl) throw new Error('the crypto library is not loaded yet (loadCrypto)')
  return nacl
}
/**
 * How far behind the newest frame a frame may arrive and still be read, once: a chat moving from one
 * path to another (the server's relay, a data channel) may see the old path's last frames after the
 * new path's first. Honest paths are ordered, so only that overlap falls in the window.
 */
const replayWindow = 64n
const windowMask = (1n << replayWindow) - 1n
const minFrameLength = nonceLength + tagLength

export const newKeyPair = (): KeyPair => lib().box.keyPair()

/**
 * A key pair made ahead of a chat, while the page is idle. Hashing its commitment once as well means the
 * handshake's SHA-512 runs optimised code, not a cold first call, when the stranger is waiting.
 */
export function prepareKeyPair(): KeyPair {
  const keys = newKeyPair()
  commitmentOf(keys.publicKey)
  return keys
}

export const commitmentOf = (publicKey: Uint8Array): Uint8Array => lib().hash(concatBytes(commitTag, publicKey))

/** Constant-time check that the revealed key is the one committed to. */
export function commitmentMatches(commitment: Uint8Array, publicKey: Uint8Array): boolean {
  return commitment.length === hashLength && lib().verify(commitment, commitmentOf(publicKey))
}

export function isPublicKey(bytes: Uint8Array): boolean {
  return bytes.length === publicKeyLength
}

/** Both directions share one key; the nonce's direction byte and counter keep their streams apart. */
export function createCipher(theirPublicKey: Uint8Array, mine: KeyPair, role: Role): Cipher {
  const box = lib().box
  const key = box.before(theirPublicKey, mine.secretKey)
  const mineDirection = directionOf[role]
  const theirDirection = directionOf[role === 'initiator' ? 'responder' : 'initiator']
  let sent = 0n
  /** The newest counter read, and a bit per counter behind it (bit i: newest - i) already read. */
  let newest = 0n
  let seen = 0n

  return {
    seal(plaintext) {
      sent += 1n
      const nonce = new Uint8Array(nonceLength)
      nonce[0] = mineDirection
      new DataView(nonce.buffer).setBigUint64(1, sent)
      return concatBytes(nonce, box.after(plaintext, nonce, key))
    },
    open(frame) {
      if (frame.length < minFrameLength) return { ok: false, reason: 'malformed' }
      const nonce = frame.subarray(0, nonceLength)
      if (nonce[0] !== theirDirection)
        return { ok: false, reason: nonce[0] === mineDirection ? 'reflected' : 'malformed' }
      for (let i = 9; i < nonceLength; i++) if (nonce[i] !== 0) return { ok: false, reason: 'malformed' }
      const counter = new DataView(nonce.buffer, nonce.byteOffset, nonceLength).getBigUint64(1)
      // Each counter is read once: a replay, or a frame older than the window, never gets past this line.
      const behind = newest - counter
      if (counter === 0n || behind >= replayWindow || (behind >= 0n && (seen >> behind) & 1n)) {
        return { ok: false, reason: 'stale' }
      }
      const plaintext = box.open.after(frame.subarray(nonceLength), nonce, key)
      if (!plaintext) return { ok: false, reason: 'tampered' }
      // Only an authentic frame moves the window: forged counters cannot push honest frames out of it.
      if (behind < 0n) {
        // A jump past the window forgets it all: never a shift by the jump (a partner picks the counter).
        seen = -behind >= replayWindow ? 1n : ((seen << -behind) | 1n) & windowMask
        newest = counter
      } else {
        seen |= 1n << behind
      }
      return { ok: true, plaintext }
    },
  }
}

/**
 * 12 decimal digits (≈ 39.9 bits) in groups of three over both E2E public keys, sorted so that both
 * sides compute the same. It covers the keys only, so it is the same code for the whole chat on every
 * path (relay, data channel, a new data channel after a network change).
 */
export function safetyCode(publicKeys: [Uint8Array, Uint8Array]): string {
  const keys = [...publicKeys].sort(compareBytes)
  const digest = lib().hash(concatBytes(safetyTag, ...keys))
  let value = 0n
  for (let i = 0; i < 8; i++) value = (value << 8n) | BigInt(digest[i] ?? 0)
  const digits = (value % 10n ** 12n).toString().padStart(12, '0')
  return digits.match(/\d{3}/g)?.join(' ') ?? digits
}
