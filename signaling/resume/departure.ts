// What a closed connection leaves behind. A lost connection (the network, not a decision) keeps its
// session for the grace, so the client can take it back with its token; a client that disconnects on
// purpose, or a server that disconnects it (abuse, a fenced node), ends it at once, as does a shutdown
// unless another node can take the session back (a cluster).
import type { Logger } from '../logger.ts'
import type { SessionData } from '../session-types.ts'
import type { Ended, MatchStore } from '../store/store.ts'

/** socket.io's disconnect reasons for a connection that was lost rather than closed by either side. */
const lostReasons: ReadonlySet<string> = new Set(['transport close', 'transport error', 'ping timeout'])

export interface DepartureDeps {
  store: MatchStore
  logger: Logger
  graceMs: number
  now(): number
  handsOffOnShutdown(): boolean
  announceEnd(ended: Ended): void
}

export function createDepartures(deps: DepartureDeps) {
  const { store, logger, graceMs } = deps
  const pending = new Set<Promise<void>>()

  const keepsSession = (reason: string) =>
    graceMs > 0 && (lostReasons.has(reason) || (reason === 'server shutting down' && deps.handsOffOnShutdown()))

  async function depart(data: SessionData, reason: string): Promise<void> {
    if (keepsSession(reason)) {
      try {
        // False when no session is under this connection's key any more: nothing left to end either.
        if (await store.suspend(data.resumeKey, graceMs, deps.now())) {
          return logger.debug({ user: data.id, reason }, 'connection lost; session held for its grace')
        }
      } catch (error) {
        logger.warn({ err: error, user: data.id }, 'could not hold a session; ending it')
      }
    }
    // Only while this connection still holds the session: one that took it back keeps it.
    const ended = await store.remove(data.id, data.resumeKey)
    if (ended) deps.announceEnd(ended)
  }

  return {
    /** A connection closed for `reason` (socket.io's disconnect reason). */
    leave(data: SessionData, reason: string): void {
      logger.debug({ user: data.id, reason }, 'disconnected')
      if (data.replaced) return
      const task = depart(data, reason).catch((error: unknown) =>
        logger.warn({ err: error, user: data.id }, 'cleanup after disconnect failed'),
      )
      pending.add(task)
      void task.finally(() => pending.delete(task))
    },
    /** Resolves once every departure under way has reached the store (shutdown waits for it). */
    async settled(): Promise<void> {
      await Promise.all(pending)
    },
  }
}
