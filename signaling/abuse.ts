// Sustained abuse ends a connection: each refusal held against a client takes a token from its
// allowance, and a client that empties it is told and disconnected.
import type { ErrorCode, RateLimit } from '#protocol'
import { takeToken } from '#protocol/token-bucket.ts'
import type { Logger } from './logger.ts'
import type { SessionSocket } from './session-types.ts'

/** Refusals beyond this allowance (refilled 1/s) end the connection. */
export const abuseAllowance: RateLimit = { burst: 30, perSecond: 1 }

export function createAbuseGuard(logger: Logger, now: () => number) {
  return function holdAgainst(socket: SessionSocket, code: ErrorCode): void {
    if (takeToken(socket.data.abuse, abuseAllowance, now()) || !socket.connected) return
    logger.warn({ user: socket.data.id, code }, 'disconnecting an abusive client')
    socket.emit('session:error', { code: 'rate-limited', message: 'too many refused requests; disconnected' })
    socket.disconnect(true)
  }
}

export type HoldAgainst = ReturnType<typeof createAbuseGuard>
