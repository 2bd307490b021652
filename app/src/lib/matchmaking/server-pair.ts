// Keeps the server's view of our pairing in step with the app's: searches and leaves, each retried
// when the server refuses it for now, and the leave we owe after a partner's bye.
import type { ErrorCode, FindRequest, LeaveReason } from '#protocol'
import type { SignalingSocket } from './signaling.ts'

/**
 * A search refused as too fast (rate-limited) or as "still in a chat" (our leave was refused, so the
 * server still pairs us) is tried again this much later (the server refills one request a second);
 * each try is one request (a leave, or a find), so the bucket always has one for it.
 */
const retryMs = 1_100
const retries = 6
/**
 * A partner's `bye` comes peer to peer, before the server's `match:ended`: their own leave is on its
 * way. Ours is sent only if the server has not ended the pair by then (or at once on New chat).
 */
const owedLeaveMs = 2_000

export interface ServerPairDeps {
  connected(): boolean
  /** Whether the app still wants a stranger (searching, no chat yet): answers that come later are moot otherwise. */
  searching(): boolean
  /** A find is about to leave: what it asks for (a promise while our signing key is in the making). */
  finding(): FindRequest | Promise<FindRequest>
  /** The server asks for proof of work first: the solution, worked out off the main thread. */
  solve(challenge: unknown): Promise<string>
  /** The search was refused for good: the app goes back to the lobby and says why. */
  searchFailed(code: ErrorCode): void
}

export class ServerPair {
  readonly #socket: SignalingSocket
  readonly #deps: ServerPairDeps
  #retry: ReturnType<typeof setTimeout> | undefined
  /** A chat the partner ended peer to peer that the server may still hold us in; cleared by its match:ended. */
  #owed: { chatId: string; timer: ReturnType<typeof setTimeout> } | null = null
  /** Counts searches and cancels: a find whose request was still being made when a newer one came is dropped. */
  #generation = 0

  constructor(socket: SignalingSocket, deps: ServerPairDeps) {
    this.#socket = socket
    this.#deps = deps
  }

  /** Asks for a stranger; sent once connected (the caller searches again on connect). */
  search(attempt = 0, pow?: string): void {
    this.stopRetrying()
    if (!this.#deps.connected()) return
    const generation = ++this.#generation
    const send = (request: FindRequest) => this.#find(pow === undefined ? request : { ...request, pow }, attempt)
    const request = this.#deps.finding()
    if (!(request instanceof Promise)) return send(request)
    void request.then((made) => {
      // A cancel, a newer search or a lost connection came while it was being made.
      if (generation === this.#generation && this.#deps.connected() && this.#deps.searching()) send(made)
    })
  }

  #find(request: FindRequest, attempt: number): void {
    this.#socket.emit('match:find', request, (error) => {
      if (!error || !this.#deps.searching()) return
      if (error.code === 'pow-required' && request.pow === undefined) return this.#proveWork(error.data, attempt)
      if (error.code === 'rate-limited' && attempt < retries) return this.#later(() => this.search(attempt + 1))
      // Still paired on the server (a leave of ours was refused): leave first, then search.
      if (error.code === 'already-chatting' && attempt < retries) return this.#leaveThenSearch(attempt + 1)
      this.#deps.searchFailed(error.code)
    })
  }

  /** Solves the server's challenge, then searches again with the solution, without the person doing anything. */
  #proveWork(data: unknown, attempt: number): void {
    const generation = this.#generation
    const challenge =
      typeof data === 'object' && data !== null ? (data as { challenge?: unknown }).challenge : undefined
    if (challenge === undefined) return this.#deps.searchFailed('pow-required')
    this.#deps.solve(challenge).then(
      (solution) => generation === this.#generation && this.#deps.searching() && this.search(attempt, solution),
      () => generation === this.#generation && this.#deps.searchFailed('pow-required'),
    )
  }

  cancel(): void {
    this.#generation += 1
    this.stopRetrying()
    if (this.#deps.connected()) this.#socket.emit('match:cancel')
  }

  /** Leaves the chat; if the app is searching by the answer (a skip), searches next. */
  leave(reason: LeaveReason): void {
    if (!this.#deps.connected()) return
    this.#socket.emit('match:leave', { reason }, (error) => {
      if (!this.#deps.searching()) return
      // Skipping faster than the server allows: leave again shortly, then search.
      if (error?.code === 'rate-limited') this.#later(() => this.#leaveThenSearch(1))
      else this.search()
    })
  }

  /** Ends a pair the server holds and the app no longer wants (a stranger lost, a match after a cancel). */
  release(): void {
    if (this.#deps.connected()) this.#socket.emit('match:leave', { reason: 'left' })
  }

  /** The partner said bye: their leave is on its way; ours goes only if the server has not ended the pair soon. */
  owe(chatId: string): void {
    this.forgive(null)
    this.#owed = { chatId, timer: setTimeout(() => this.payOwed(), owedLeaveMs) }
  }

  /** Sends the leave still owed, if any: before a new search, so the server never still holds the last chat. */
  payOwed(): void {
    if (!this.#owed) return
    this.forgive(null)
    this.release()
  }

  /** The server ended that chat (or every chat: `null`, our socket is gone): nothing is owed. */
  forgive(chatId: string | null): void {
    if (!this.#owed || (chatId !== null && this.#owed.chatId !== chatId)) return
    clearTimeout(this.#owed.timer)
    this.#owed = null
  }

  stopRetrying(): void {
    clearTimeout(this.#retry)
  }

  #leaveThenSearch(attempt: number): void {
    if (!this.#deps.connected()) return
    this.#socket.emit('match:leave', { reason: 'left' }, (error) => {
      if (!this.#deps.searching()) return
      if (error?.code === 'rate-limited') {
        if (attempt < retries) return this.#later(() => this.#leaveThenSearch(attempt + 1))
        return this.#deps.searchFailed(error.code)
      }
      this.search(attempt) // left, or not paired after all (not-paired): either way free to search
    })
  }

  #later(next: () => void): void {
    this.stopRetrying()
    this.#retry = setTimeout(() => this.#deps.searching() && next(), retryMs)
  }
}
