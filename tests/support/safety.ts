// Safety test helpers: a chat's Ed25519 signer as the app makes it, clients from distinct addresses
// (X-Forwarded-For behind TRUST_PROXY), and the operator API.
import { generateKeyPairSync, sign } from 'node:crypto'
import type { Evidence, Welcome } from '#protocol'
import { signedMessageBytes } from '#protocol/message-signature.ts'
import { connectClient, nextEvent, request, type Client, type TestServer } from './signaling.ts'

export const adminToken = 'test-admin-token-0123456789-abcdefghij'

export interface Signer {
  /** Standard base64 of the 32 raw public key bytes, as match:find.signKey carries it. */
  signKey: string
  message(chatId: string, text: string, id?: string, sentAt?: number): Evidence
}

export function newSigner(): Signer {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url')
  let count = 0
  return {
    signKey: raw.toString('base64'),
    message(chatId, text, id = `m${++count}`, sentAt = Date.now()) {
      const sig = sign(null, signedMessageBytes(chatId, id, sentAt, text), privateKey).toString('base64')
      return { id, sentAt, text, sig }
    },
  }
}

export type Person = Client & { welcome: Welcome; signer: Signer; address: string }

export async function connectFrom(server: Pick<TestServer, 'url'>, address: string): Promise<Person> {
  const client = await connectClient(server, { forwardedFor: address })
  return Object.assign(client, { signer: newSigner(), address })
}

/** a searches, then b, each with its signKey; resolves with the chat id once both have match:found. */
export async function chat(a: Person, b: Person): Promise<string> {
  const [foundA, foundB] = [nextEvent(a, 'match:found'), nextEvent(b, 'match:found')]
  const first = await request(a, 'match:find', { signKey: a.signer.signKey })
  if (first.error) throw new Error(`a could not search: ${first.error.code}`)
  const second = await request(b, 'match:find', { signKey: b.signer.signKey })
  if (second.error) throw new Error(`b could not search: ${second.error.code}`)
  const [atA, atB] = await Promise.all([foundA, foundB])
  if (atA.chatId !== atB.chatId) throw new Error('paired apart')
  return atA.chatId
}

/** A report of `partner`'s messages by `reporter`. */
export const report = (reporter: Client, chatId: string, evidence: Evidence[], reason = 'harassment') =>
  request(reporter, 'safety:report', { chatId, reason, evidence })

export async function admin(server: Pick<TestServer, 'url'>, path: string, init: RequestInit = {}, token = adminToken) {
  const response = await fetch(`${server.url}${path}`, {
    ...init,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
  })
  const text = await response.text()
  const json = response.headers.get('content-type') === 'application/json' && text !== ''
  return { status: response.status, text, json: json ? (JSON.parse(text) as unknown) : null }
}

export async function storedReports(server: Pick<TestServer, 'url'>): Promise<Array<Record<string, unknown>>> {
  return ((await admin(server, '/admin/reports')).json as { reports: Array<Record<string, unknown>> }).reports
}
