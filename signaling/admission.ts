// Who gets in: the connect rate per address, then registration in the store (which also counts
// the per-IP cap, across nodes with Redis). Both run before socket.io accepts the connection, so a
// refusal reaches the client as a connect_error with a code, and an accepted socket is known to the store.
import { randomBytes } from 'node:crypto'
import type { Config } from './config.ts'
import type { ConnectLimiter } from './connect-limiter.ts'
import type { Logger } from './logger.ts'
import type { Metrics } from './metrics.ts'
import type { ErrorCode } from '#protocol'
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

/** What admission needs of a socket: its engine.io connection, to check it is open and to close it. */
export interface Candidate {
  conn: { readyState: string; close(): void }
}

type Next = (error?: Error) => void

const refusal = (code: ErrorCode, message: string) => Object.assign(new Error(code), { data: { code, message } })

const closeConnection = (conn: Candidate['conn']) => conn.close()

export function createAdmission(deps: AdmissionDeps) {
  const { config, store, connectLimiter, names, metrics, logger } = deps
  // Connections whose admission is under way or was refused. socket.io lets a client send CONNECT
  // again on the same connection (measured: 166,600 admissions in 5.5 s on one); accepted ones leave
  // the set, as socket.io itself closes a connection that sends a second CONNECT once admitted.
  const attempted = new WeakSet<Candidate['conn']>()

  function refuse(socket: Candidate, next: Next, code: ErrorCode, message: string): void {
    metrics.countRejection(code)
    next(refusal(code, message))
    // socket.io writes the refusal on the next tick; engine.io flushes what it holds before closing.
    setImmediate(closeConnection, socket.conn)
  }

  /** A socket.io middleware body: admits with `next()` once `admitted` has filled the session, or refuses. */
  return function admit(socket: Candidate, ip: string, next: Next, admitted: (id: UserId, name: string) => void): void {
    const { conn } = socket
    if (attempted.has(conn)) return refuse(socket, next, 'bad-payload', 'one connection attempt per connection')
    attempted.add(conn)
    if (deps.isClosing()) return refuse(socket, next, 'unavailable', 'server is shutting down')
    const id = randomBytes(16).toString('base64url')
    const name = names.take()
    let adding = false
    const register = async () => {
      if (!(await connectLimiter.allow(ip))) return 'rate-limited'
      adding = true
      return store.add({ id, name, ip }, config.maxConnPerIp)
    }
    register().then(
      (outcome) => {
        if (outcome === 'rate-limited') {
          names.release(name)
          return refuse(socket, next, 'rate-limited', `at most ${config.connectRatePerMin} new connections per minute`)
        }
        if (outcome === 'too-many-connections') {
          names.release(name)
          void connectLimiter.refund(ip)
          return refuse(socket, next, 'too-many-connections', `at most ${config.maxConnPerIp} connections per address`)
        }
        if (conn.readyState !== 'open') {
          // Gone while we waited: socket.io will not emit 'connection' (nor 'disconnect') for it.
          names.release(name)
          void store.remove(id).catch(() => {})
          return next(refusal('unavailable', 'connection closed'))
        }
        attempted.delete(conn)
        admitted(id, name)
        next()
      },
      (error: unknown) => {
        logger.warn({ err: error }, 'could not register a connection')
        // A registration that timed out still runs once Redis answers: take it back, or it would hold
        // an address slot for good (the store retries removals that fail while Redis is away).
        if (adding) void store.remove(id).catch(() => {})
        names.release(name)
        refuse(socket, next, 'unavailable', 'matchmaking is unavailable; retry soon')
      },
    )
  }
}
