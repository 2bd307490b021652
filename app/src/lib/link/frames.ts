// Wire frames of the data channel: the handshake in the clear, everything after it sealed.
// Parsers turn unknown input into a typed frame or null; nothing unvalidated reaches the UI.
import type { LeaveReason } from '#protocol'
import { signaturePattern } from '#protocol/message-signature.ts'
import { fromBase64, fromUtf8, toBase64, utf8 } from './bytes.ts'

export const wireVersion = 1

export type HandshakeFrame = { t: 'commit'; commitment: Uint8Array } | { t: 'hello'; publicKey: Uint8Array }

export type Frame =
  /** `sig`: Ed25519 over the message (link/signing.ts), absent only from a partner who has no signing key. */
  | { t: 'msg'; id: string; text: string; sentAt: number; sig?: string }
  | { t: 'ack'; id: string }
  | { t: 'typing'; on: boolean }
  | { t: 'ping' }
  | { t: 'pong' }
  | { t: 'bye'; reason: LeaveReason }

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

export const encodeFrame = (frame: Frame): Uint8Array => utf8(JSON.stringify(frame))

/** A sealed frame's plaintext, validated; `maxChars` is the message limit in force. */
export function parseFrame(bytes: Uint8Array, maxChars: number): Frame | null {
  const text = fromUtf8(bytes)
  const value = text === null ? null : parseJson(text)
  if (!isRecord(value)) return null
  switch (value.t) {
    case 'msg':
      return isId(value.id) &&
        typeof value.text === 'string' &&
        value.text.trim().length > 0 &&
        [...value.text].length <= maxChars &&
        Number.isSafeInteger(value.sentAt) &&
        (value.sig === undefined || isSignature(value.sig))
        ? { t: 'msg', id: value.id, text: value.text, sentAt: value.sentAt as number, ...sigOf(value.sig) }
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
