// A pair's news (found, ended) for each side, applied by the node that holds that side's socket:
// at once when local, through the cluster otherwise. Only the socket's own node ever sets its cached
// partner, which is what keeps the relay hot path free of store lookups.
import type { Ended, Pairing } from './store/store.ts'
import type { PairNotice, SessionContext, SessionSocket } from './session-types.ts'

/** `inTurn` runs a task after the socket's match requests under way (see session.ts), so a resumed
 *  search can never overtake a cancel the user sent meanwhile. */
export function createPairNotices(
  ctx: SessionContext,
  inTurn: (socket: SessionSocket, task: () => Promise<void>) => void,
) {
  const { store, metrics, logger, now } = ctx

  function announcePair(pairing: Pairing): void {
    const { chatId, initiator, responder, common } = pairing
    logger.debug({ chatId, waitedMs: pairing.waitedMs }, 'paired')
    metrics.matches.inc()
    // The responder never waited in the queue (or was paired by the fallback): the initiator's wait is the wait.
    metrics.matchWait.observe(pairing.waitedMs / 1000)
    ctx.safety.chatPaired(pairing)
    ctx.notify(initiator.id, { kind: 'found', chatId, initiator: true, partner: responder, common })
    ctx.notify(responder.id, { kind: 'found', chatId, initiator: false, partner: initiator, common })
  }

  /** Tells the one left behind; the user who ended the chat (if still here) has already been updated. */
  function announceEnd(ended: Ended): void {
    ctx.safety.chatEnded(ended)
    ctx.notify(ended.partner, { kind: 'ended', chatId: ended.chatId, reason: ended.reason })
  }

  function clearChat(socket: SessionSocket, chatId: string): void {
    const { data } = socket
    if (data.chatId === chatId && data.partner !== null) ctx.chatEnded(socket, data.partner)
    forgetChat(socket, chatId)
  }

  /** Ends the chat here but keeps the relay room: for a room a find has already handed to the next partner. */
  function forgetChat(socket: SessionSocket, chatId: string): void {
    const { data } = socket
    data.endedChatId = chatId
    if (data.chatId !== chatId) return
    data.lastPartner = data.partner
    data.partner = null
    data.partnerRoom = ''
    data.chatId = null
    if (socket.connected) ctx.inLobby(socket, true)
  }

  /** Applies a pair's news to a socket of this node; stale or repeated news is dropped. */
  function apply(socket: SessionSocket, notice: PairNotice): void {
    const { data } = socket
    if (notice.kind === 'found') {
      if (notice.chatId === data.endedChatId || notice.chatId === data.chatId) return
      data.partner = notice.partner.id
      data.partnerRoom = notice.partner.relayRoom
      data.chatId = notice.chatId
      data.searchingSinceMs = null
      ctx.fallbacks.forget(data.id)
      ctx.inLobby(socket, false)
      const { name, signKey } = notice.partner
      socket.emit('match:found', {
        chatId: notice.chatId,
        initiator: notice.initiator,
        partner: signKey ? { name, signKey } : { name },
        common: notice.common,
      })
      return
    }
    if (notice.chatId !== data.chatId) {
      data.endedChatId = notice.chatId
      // A chat this node never heard of ended while its user searched: the node that paired them
      // died before sending match:found, and the reaper has made the user idle. Search again.
      if (data.chatId === null && data.searchingSinceMs !== null) {
        resumeSearch(socket).catch((error: unknown) =>
          logger.warn({ err: error, user: data.id }, 'could not resume a search after a lost pair'),
        )
      }
      return
    }
    clearChat(socket, notice.chatId)
    socket.emit('match:ended', { chatId: notice.chatId, reason: notice.reason })
  }

  /**
   * Searches again for a user who was searching when Redis lost its data (or whose pair was lost),
   * in turn with their own requests, and only if they still search by then.
   */
  function resumeSearch(socket: SessionSocket): Promise<void> {
    return new Promise((resolve, reject) =>
      inTurn(socket, async () => {
        try {
          if (socket.data.searchingSinceMs === null || socket.data.chatId !== null) return resolve()
          const outcome = await store.find(socket.data.id, now(), socket.data.relayRoom, socket.data.search)
          if (outcome.kind === 'matched') announcePair(outcome.pairing)
          if (outcome.kind === 'queued' && outcome.fallbackAtMs !== undefined) {
            ctx.fallbacks.schedule(socket.data.id, outcome.fallbackAtMs)
          }
          resolve()
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)))
        }
      }),
    )
  }

  return { announcePair, announceEnd, clearChat, forgetChat, apply, resumeSearch }
}

export type PairNotices = ReturnType<typeof createPairNotices>
