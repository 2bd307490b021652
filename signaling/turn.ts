// ICE servers for a connection, with TURN REST credentials that coturn's use-auth-secret accepts.
import { createHmac } from 'node:crypto'
import type { IceServer } from '#protocol'

export interface IceConfig {
  stunUrls: readonly string[]
  turnUrls: readonly string[]
  turnSecret: string | undefined
  turnTtlS: number
}

/** username `<unix expiry>:<id>`, password base64(HMAC-SHA1(secret, username)). */
export function turnCredential(
  secret: string,
  id: string,
  expiresAtS: number,
): { username: string; credential: string } {
  const username = `${expiresAtS}:${id}`
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') }
}

/** `ownStun`: the built-in STUN server's URL for this client ('' for none), listed first. */
export function iceServersFor(config: IceConfig, id: string, nowMs: number, ownStun = ''): IceServer[] {
  const servers: IceServer[] = []
  const stunUrls = ownStun === '' ? config.stunUrls : [ownStun, ...config.stunUrls.filter((url) => url !== ownStun)]
  if (stunUrls.length > 0) servers.push({ urls: [...stunUrls] })
  if (config.turnUrls.length > 0 && config.turnSecret !== undefined) {
    const expiresAtS = Math.floor(nowMs / 1000) + config.turnTtlS
    servers.push({ urls: [...config.turnUrls], ...turnCredential(config.turnSecret, id, expiresAtS) })
  }
  return servers
}

export const offersRelay = (config: IceConfig): boolean => config.turnUrls.length > 0 && config.turnSecret !== undefined
