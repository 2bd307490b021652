// Wire frames of the data channel: the handshake in the clear, everything after it sealed.
// Parsers turn unknown input into a typed frame or null; nothing unvalidated reaches the UI.
import type { LeaveReason } from '#protocol'
import { signaturePattern } from '#protocol/message-signature.ts'
import { fromBase64, fromUtf8, toBase64, utf8 } from './bytes.ts'
import { chunkMarker, encodeChunk, parseChunk, type ChunkFrame } from './chunk-frame.ts'

export const wireVersion = 1

export type HandshakeFrame = { t: 'commit'; commitment: Uint8Array } | { t: 'hello'; publicKey: Uint8Array }

/** The six reactions a message can have from each person. */
export const reactionEmojis = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const
export type ReactionEmoji = (typeof reactionEmojis)[number]

/** What an image may be on the wire: re-encoded by the sender (chat/image-encode.ts) to these. */
export const imageRules = { mimes: ['image/jpeg', 'image/webp'], maxBytes: 5 * 1024 * 1024, maxSide: 2048 } as const
export type ImageMime = (typeof imageRules.mimes)[number]

export type Frame =
  /** `sig`: Ed25519 over the message (link/signing.ts), absent only from a partner who has no signing key. */
  | { t: 'msg'; id: string; text: string; sentAt: number; sig?: string; replyTo?: string }
  | { t: 'ack'; id: string }
  | { t: 'typing'; on: boolean }
  | { t: 'ping' }
  | { t: 'pong' }
  | { t: 'bye'; reason: LeaveReason }
  /** One reaction per person per message; null takes it back. */
  | { t: 'react'; id: string; emoji: ReactionEmoji | null }
  /** A new text for one of the sender's own messages, signed like a message (with `editedAt` as its time). */
  | { t: 'edit'; id: string; text: string; editedAt: number; sig?: string }
  | { t: 'unsend'; id: string }
  | { t: 'img-offer'; id: string; mime: ImageMime; bytes: number; width: number; height: number }
  /** Send the image from chunk `from` on (0 at first; more after a path change lost some). */
  | { t: 'img-accept'; id: string; from: number }
  /** The sender gave up on the image, or the receiver declined it. */
  | { t: 'img-cancel'; id: string }
  | ChunkFrame

const idPattern = /^[A-Za-z0-9_-]{8,64}$/

export function encodeHandshake(frame: HandshakeFrame): string {
  return frame.t === 'commit'
    ? JSON.stringify({ v: wireVersion, t: 'commit', h: toBase64(frame.commitment) })
    : JSON.stringify({ v: wireVersion, t: 'hello', pk: toBase64(frame.publicKey) })
}

export function parseHandshake(text: string): HandshakeFrame | null {
  const value = parseJson(text)
  if (!isRecord(value) || value.v !== wireVersion) return null
  if (value.t === 'commit' && typeof value.h === 'string') {
    const commitment = fromBase64(value.h)
    return commitment && commitment.length === 64 ? { t: 'commit', commitment } : null
  }
  if (value.t === 'hello' && typeof value.pk === 'string') {
    const publicKey = fromBase64(value.pk)
    return publicKey && publicKey.length === 32 ? { t: 'hello', publicKey } : null
  }
  return null
}

export const encodeFrame = (frame: Frame): Uint8Array =>
  frame.t === 'img-chunk' ? encodeChunk(frame) : utf8(JSON.stringify(frame))

/** A sealed frame's plaintext, validated; `maxChars` is the message limit in force. */
export function parseFrame(bytes: Uint8Array, maxChars: number): Frame | null {
  if (bytes[0] === chunkMarker) return parseChunk(bytes, isId)
  const text = fromUtf8(bytes)
  const value = text === null ? null : parseJson(text)
  if (!isRecord(value)) return null
  switch (value.t) {
    case 'msg':
      return isId(value.id) &&
        isText(value.text, maxChars) &&
        Number.isSafeInteger(value.sentAt) &&
        (value.sig === undefined || isSignature(value.sig)) &&
        (value.replyTo === undefined || isId(value.replyTo))
        ? {
            t: 'msg',
            id: value.id,
            text: value.text,
            sentAt: value.sentAt as number,
            ...sigOf(value.sig),
            ...(isId(value.replyTo) && { replyTo: value.replyTo }),
          }
        : null
    case 'react':
      return isId(value.id) && (value.emoji === null || reactionEmojis.includes(value.emoji as ReactionEmoji))
        ? { t: 'react', id: value.id, emoji: value.emoji as ReactionEmoji | null }
        : null
    case 'edit':
      return isId(value.id) &&
        isText(value.text, maxChars) &&
        Number.isSafeInteger(value.editedAt) &&
        (value.sig === undefined || isSignature(value.sig))
        ? { t: 'edit', id: value.id, text: value.text, editedAt: value.editedAt as number, ...sigOf(value.sig) }
        : null
    case 'unsend':
    case 'img-cancel':
      return isId(value.id) ? { t: value.t, id: value.id } : null
    case 'img-offer':
      return isId(value.id) &&
        imageRules.mimes.includes(value.mime as ImageMime) &&
        isCount(value.bytes, imageRules.maxBytes) &&
        isCount(value.width, imageRules.maxSide) &&
        isCount(value.height, imageRules.maxSide)
        ? {
            t: 'img-offer',
            id: value.id,
            mime: value.mime as ImageMime,
            bytes: value.bytes as number,
            width: value.width as number,
            height: value.height as number,
          }
        : null
    case 'img-accept':
      return isId(value.id) && Number.isSafeInteger(value.from) && (value.from as number) >= 0
        ? { t: 'img-accept', id: value.id, from: value.from as number }
        : null
    case 'ack':
      return isId(value.id) ? { t: 'ack', id: value.id } : null
    case 'typing':
      return typeof value.on === 'boolean' ? { t: 'typing', on: value.on } : null
    case 'ping':
    case 'pong':
      return { t: value.t }
    case 'bye':
      return value.reason === 'left' || value.reason === 'skipped' ? { t: 'bye', reason: value.reason } : null
    default:
      return null
  }
}

const isId = (value: unknown): value is string => typeof value === 'string' && idPattern.test(value)

const isText = (value: unknown, maxChars: number): value is string =>
  typeof value === 'string' && value.trim().length > 0 && [...value].length <= maxChars

/** A whole number from 1 to `max`. */
const isCount = (value: unknown, max: number): boolean =>
  Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= max

const isSignature = (value: unknown): value is string => typeof value === 'string' && signaturePattern.test(value)

const sigOf = (sig: unknown): { sig?: string } => (typeof sig === 'string' ? { sig } : {})

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}
