// Who gets in: the connect rate per address, then registration in the store (which also counts
// the per-IP cap, across nodes with Redis). Both run before socket.io accepts the connection, so a
// refusal reaches the client as a connect_error with a code, and an accepted socket is known to the store.
import { randomBytes } from 'node:crypto'
import type { Config } from './config.ts'
import type { ConnectLimiter } from './connect-limiter.ts'
import type { Logger } from './logger.ts'
import type { Metrics } from './metrics.ts'
import type { ErrorCode } from './protocol.ts'
import type { MatchStore, UserId } from './store/store.ts'

export interface AdmissionDeps {
  config: Config
  store: MatchStore
  connectLimiter: ConnectLimiter
  names: { take(): string; release(name: string): void }
  metrics: Metrics
  logger: Logger
  isClosing(): boolean
}

/** What admission needs of a socket: whether its connection is still open. */
export interface Candidate {
  conn: { readyState: string }
}

type Next = (error?: Error) => void

const refusal = (code: ErrorCode, message: string) => Object.assign(new Error(code), { data: { code, message } })

export function createAdmission(deps: AdmissionDeps) {
  const { config, store, connectLimiter, names, metrics, logger } = deps

  function refuse(next: Next, name: string, code: ErrorCode, message: string): void {
    names.release(name)
    metrics.countRejection(code)
    next(refusal(code, message))
  }

  /** A socket.io middleware body: admits with `next()` once `admitted` has filled the session, or refuses. */
  return function admit(socket: Candidate, ip: string, next: Next, admitted: (id: UserId, name: string) => void): void {
    if (deps.isClosing()) return next(refusal('unavailable', 'server is shutting down'))
    const id = randomBytes(16).toString('base64url')
    const name = names.take()
    const register = async () => {
      if (!(await connectLimiter.allow(ip))) return 'rate-limited'
      return store.add({ id, name, ip }, config.maxConnPerIp)
    }
    register().then(
      (outcome) => {
        if (outcome === 'rate-limited') {
          return refuse(next, name, 'rate-limited', `at most ${config.connectRatePerMin} new connections per minute`)
        }
        if (outcome === 'too-many-connections') {
          void connectLimiter.refund(ip)
          return refuse(next, name, 'too-many-connections', `at most ${config.maxConnPerIp} connections per address`)
        }
        if (socket.conn.readyState !== 'open') {
          // Gone while we waited: socket.io will not emit 'connection' (nor 'disconnect') for it.
          names.release(name)
          void store.remove(id).catch(() => {})
          return next(refusal('unavailable', 'connection closed'))
        }
        admitted(id, name)
        next()
      },
      (error: unknown) => {
        logger.warn({ err: error }, 'could not register a connection')
        refuse(next, name, 'unavailable', 'matchmaking is unavailable; retry soon')
      },
    )
  }
}
