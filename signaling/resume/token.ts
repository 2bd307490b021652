// Resume tokens: 256 random bits, base64url, handed to the client in its welcome. The server keeps
// only a SHA-256 of each (its key): the store is searched by key, so no token is ever compared, stored
// or logged, and a leaked store gives no token.
import { createHash, randomBytes } from 'node:crypto'

export interface ResumeCredential {
  /** For the welcome only. */
  token: string
  /** What the store keeps and looks up. */
  key: string
}

const tokenBytes = 32
/** base64url of 32 bytes, without padding. */
const tokenShape = /^[A-Za-z0-9_-]{43}$/

const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url')

export function newResumeCredential(): ResumeCredential {
  const token = randomBytes(tokenBytes).toString('base64url')
  return { token, key: keyOf(token) }
}

/**
 * The key of the token a reconnecting client presents in its handshake's `auth: { resume }`; null when
 * it presents none, and 'malformed' for anything that cannot be a token (no hashing of junk).
 */
export function presentedKey(auth: unknown): string | 'malformed' | null {
  if (typeof auth !== 'object' || auth === null || !('resume' in auth)) return null
  const { resume } = auth
  return typeof resume === 'string' && tokenShape.test(resume) ? keyOf(resume) : 'malformed'
}
