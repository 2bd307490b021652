// Who gets in: the connect rate per address, then registration in the store (which also counts
// the per-IP cap, across nodes with Redis), or the session a presented resume token takes back. Both
// run before socket.io accepts the connection, so a refusal reaches the client as a connect_error with
// a code, and an accepted socket is known to the store.
import { randomBytes } from 'node:crypto'
import type { Config } from './config.ts'
import type { ConnectLimiter } from './connect-limiter.ts'
import type { Logger } from './logger.ts'
import type { Metrics } from './metrics.ts'
import type { BanInfo, ErrorCode } from '#protocol'
import type { Safety } from './safety/safety.ts'
import { newResumeCredential, presentedKey } from './resume/token.ts'
import type { MatchStore, ResumedSession, UserId } from './store/store.ts'

export interface AdmissionDeps {
  config: Config
  store: MatchStore
  /** Bans (refused at the door), address hashes (the store's block keys), proof-of-work flags. */
  safety: Pick<Safety, 'bans' | 'hash' | 'pow'>
  connectLimiter: ConnectLimiter
  names: { take(): string; claim(name: string): void; release(name: string): void }
  metrics: Metrics
  logger: Logger
  isClosing(): boolean
  /** The room this node will relay to the newcomer in ('' without a cluster). */
  newRelayRoom(): string
  now(): number
}

/** What admission needs of a socket: its engine.io connection (to check it is open and to close it), its handshake. */
export interface Candidate {
  conn: { readyState: string; close(): void }
  handshake: { auth: unknown }
}

/** An admitted connection's session: new, or taken back (`resumed`). */
export interface Admitted {
  id: UserId
  name: string
  /** The key of `token` in the store. */
  resumeKey: string
  /** The resume token for this connection's welcome: never logged, never kept. */
  token: string
  relayRoom: string
  resumed: ResumedSession | null
}

type Next = (error?: Error) => void
type Registration =
  | { kind: 'added' | 'resumed'; id: UserId; name: string; resumed: ResumedSession | null }
  | { kind: 'rate-limited' }
  | { kind: 'too-many-connections' }
  | { kind: 'banned'; until: number }

const refusal = (code: ErrorCode, message: string, data?: BanInfo) =>
  Object.assign(new Error(code), { data: data ? { code, message, data } : { code, message } })

const closeConnection = (conn: Candidate['conn']) => conn.close()

export function createAdmission(deps: AdmissionDeps) {
  const { config, store, connectLimiter, names, metrics, logger, safety } = deps
  const graceMs = config.resumeGraceS * 1000
  // Connections whose admission is under way or was refused. socket.io lets a client send CONNECT
  // again on the same connection (measured: 166,600 admissions in 5.5 s on one); accepted ones leave
  // the set, as socket.io itself closes a connection that sends a second CONNECT once admitted.
  const attempted = new WeakSet<Candidate['conn']>()

  function refuse(socket: Candidate, next: Next, code: ErrorCode, message: string, data?: BanInfo): void {
    metrics.countRejection(code)
    next(refusal(code, message, data))
    // socket.io writes the refusal on the next tick; engine.io flushes what it holds before closing.
    setImmediate(closeConnection, socket.conn)
  }

  /** A socket.io middleware body: admits with `next()` once `admitted` has filled the session, or refuses. */
  return function admit(socket: Candidate, ip: string, next: Next, admitted: (session: Admitted) => void): void {
    const { conn } = socket
    if (attempted.has(conn)) return refuse(socket, next, 'bad-payload', 'one connection attempt per connection')
    attempted.add(conn)
    if (deps.isClosing()) return refuse(socket, next, 'unavailable', 'server is shutting down')
    const { token, key: resumeKey } = newResumeCredential()
    const relayRoom = deps.newRelayRoom()
    const presented = graceMs > 0 ? presentedKey(socket.handshake.auth) : null
    // What this attempt may hold in the store should it fail: a user added, or a session taken back.
    let added: { id: UserId; name: string } | null = null
    let resuming = false

    const blockKey = safety.hash(ip)
    const register = async (): Promise<Registration> => {
      const bannedUntil = await safety.bans.until(blockKey, deps.now())
      if (bannedUntil !== null) return { kind: 'banned', until: bannedUntil }
      if (!(await connectLimiter.allow(ip))) return { kind: 'rate-limited' }
      if (presented !== null && presented !== 'malformed') {
        resuming = true
        const back = await store.resume(
          presented,
          { ip, resumeKey, relayRoom, blockKey },
          config.maxConnPerIp,
          deps.now(),
        )
        resuming = back.kind === 'resumed'
        if (back.kind === 'resumed') return { kind: 'resumed', ...back.session, resumed: back.session }
        // Refused, not used up: the client may try again from an address with room.
        if (back.kind === 'too-many-connections') return back
      }
      // An unknown, used, expired or malformed token: a fresh session, as if none was presented.
      if (presented !== null) metrics.resumes.inc({ outcome: 'unknown' })
      added = { id: randomBytes(16).toString('base64url'), name: names.take() }
      const outcome = await store.add({ ...added, ip, resumeKey, blockKey }, config.maxConnPerIp)
      return outcome === 'added' ? { kind: 'added', ...added, resumed: null } : { kind: 'too-many-connections' }
    }

    /** Gives back what a failed attempt holds: a session it took back waits out a grace again. */
    function giveBack(): void {
      if (added) {
        names.release(added.name)
        // A registration that timed out still runs once Redis answers: take it back, or it would hold
        // an address slot for good (the store retries removals that fail while Redis is away).
        void store.remove(added.id).catch(() => {})
      } else if (resuming) {
        void store.suspend(resumeKey, graceMs, deps.now()).catch(() => {})
      }
    }

    register().then(
      (outcome) => {
        if (outcome.kind === 'banned') {
          return refuse(socket, next, 'banned', 'this address is banned', { until: outcome.until })
        }
        // Refused for its own doing: POW=auto asks this address for proof of work for a while.
        if (outcome.kind !== 'added' && outcome.kind !== 'resumed') safety.pow.flag(ip, deps.now())
        if (outcome.kind === 'rate-limited') {
          return refuse(socket, next, 'rate-limited', `at most ${config.connectRatePerMin} new connections per minute`)
        }
        if (outcome.kind === 'too-many-connections') {
          if (added) names.release(added.name)
          void connectLimiter.refund(ip)
          return refuse(socket, next, 'too-many-connections', `at most ${config.maxConnPerIp} connections per address`)
        }
        if (conn.readyState !== 'open') {
          // Gone while we waited: socket.io will not emit 'connection' (nor 'disconnect') for it.
          giveBack()
          return next(refusal('unavailable', 'connection closed'))
        }
        attempted.delete(conn)
        if (outcome.kind === 'resumed') {
          names.claim(outcome.name)
          metrics.resumes.inc({ outcome: 'resumed' })
        }
        admitted({ id: outcome.id, name: outcome.name, resumeKey, token, relayRoom, resumed: outcome.resumed })
        next()
      },
      (error: unknown) => {
        logger.warn({ err: error }, 'could not register a connection')
        // A resume that timed out may still run once Redis answers: its session then waits out a grace.
        giveBack()
        refuse(socket, next, 'unavailable', 'matchmaking is unavailable; retry soon')
      },
    )
  }
}
