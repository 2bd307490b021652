// The session's flow, as the components render it: lobby → search → connect → chat → ended. One chat's
// own wiring (link, conversation, heartbeat, timers) lives in chat/active-chat.svelte.ts.
import type { LeaveReason, MatchEnded, MatchFound } from '#protocol'
import { Attention } from './attention/attention.svelte.ts'
import { ActiveChat, type ChatEnd } from './chat/active-chat.svelte.ts'
import { tidyMessage } from './chat/message-text.ts'
import type { Library } from './history/library.svelte.ts'
import { watchHistory } from './history/history-notices.ts'
import { ChatPreparation } from './link/chat-prep.ts'
import { EarlyFrames } from './link/early-frames.ts'
import type { LinkPath } from './link/chat-link.ts'
import { Search } from './matchmaking/search.svelte.ts'
import { ServerPair } from './matchmaking/server-pair.ts'
import { ServerState } from './matchmaking/server-state.svelte.ts'
import type { SignalingSocket } from './matchmaking/signaling.ts'
import { NoticeBoard, type Wording } from './notices.svelte.ts'
import * as words from './wording.ts'

export type ChatState = 'idle' | 'searching' | 'connecting' | 'chatting' | 'ended'

const noMessages: ActiveChat['messages']['list'] = []

export class Session extends ServerState {
  state = $state<ChatState>('idle')
  partnerName = $state('')
  /**
   * Whether the chat view replaces the lobby yet. It waits, while connecting, until our offer or answer
   * and candidates are out: rendering it first (~15 ms of main thread) would hold up the handshake.
   */
  chatView = $state(false)
  endReason = $state<ChatEnd | null>(null)
  readonly search: Search
  /** The chat on screen: the current one, or the last one until the next begins. */
  #shown = $state.raw<ActiveChat | null>(null)

  #socket: SignalingSocket
  #library: Library
  #prep = new ChatPreparation()
  /** The chat going on; null once it ended (it may still be shown). */
  #chat: ActiveChat | null = null
  #early = new EarlyFrames()
  /** What the person is told: notices, and the state changes a polite live region speaks once. */
  readonly board = new NoticeBoard()
  readonly attention = new Attention()
  #pair: ServerPair

  constructor(socket: SignalingSocket, library: Library) {
    super(socket, {
      connected: () => {
        this.board.clear('offline')
        if (this.state === 'searching' && !this.#chat) this.#pair.search()
      },
      disconnected: () => this.#onDisconnect(),
      refused: (code) => this.board.notify('offline', () => words.refusalText(code, this.bannedUntil)),
      failed: (code) => this.board.notify('error', () => words.serverErrorText(code, this.bannedUntil)),
    })
    this.#socket = socket
    this.#library = library
    this.search = new Search({
      limits: () => this.limits,
      signing: this.#prep,
      opened: () => this.state === 'searching' && !this.#chat && this.board.say(words.searchOpenedText()),
    })
    this.#pair = new ServerPair(socket, {
      connected: () => this.connected,
      searching: () => this.state === 'searching' && !this.#chat,
      // Whatever the server relayed before this find was from a chat that is over.
      finding: () => {
        this.#early.take()
        return this.search.request()
      },
      solve: (challenge) => this.search.proof.solve(challenge),
      searchFailed: (code) => {
        this.state = 'idle'
        this.board.notify('error', () => words.searchFailedText(code))
      },
    })
    socket.on('match:found', (found) => this.#onMatch(found))
    socket.on('match:ended', (ended) => this.#onMatchEnded(ended))
    socket.on('signal:relay', (signal) => this.#chat?.signal(signal))
    socket.on('relay:frame', (frame) => this.#onRelayed(new Uint8Array(frame)))
    void this.#prep.prepare()
    watchHistory(library, this.board, () => this.#chat?.chatId ?? null)
  }

  get messages(): ActiveChat['messages']['list'] {
    return this.#shown?.messages.list ?? noMessages
  }

  /** The chat on screen, for its message actions and images (which act only while it goes on). */
  get shown(): ActiveChat | null {
    return this.#shown
  }

  /** The name the partner knows us by: the chat's, even if a reconnect to the server brought a new one. */
  get nameInChat(): string {
    return this.#shown?.messages.myName ?? this.myName
  }

  get partnerTyping(): boolean {
    return this.#shown?.messages.partnerTyping ?? false
  }

  get chatId(): string | null {
    return this.#shown?.chatId ?? null
  }

  /** The interests shared with the partner on screen ([] at random). */
  get common(): readonly string[] {
    return this.#shown?.common ?? []
  }

  get safetyCode(): string | null {
    return this.#shown?.safetyCode ?? null
  }

  /** The path the chat on screen uses now. */
  get path(): LinkPath {
    return this.#shown?.path ?? 'none'
  }

  start(): void {
    if (this.state !== 'idle' && this.state !== 'ended') return
    // Before the search, in order: the server must not still hold us in the last chat.
    this.#pair.payOwed()
    this.#resetChatView()
    this.state = 'searching'
    this.board.say(words.flowNewsText('searching'))
    this.#pair.search()
    void this.#prep.prepare()
  }

  cancel(): void {
    if (this.state !== 'searching') return
    this.state = 'idle'
    this.search.stop()
    this.board.say(words.flowNewsText('cancelled'))
    this.#pair.cancel()
    this.#prep.renewSigningKeys() // a key shown with one search never links it to the next
  }

  /** Skip: tell the partner at once (peer to peer), leave, and look for the next stranger. */
  skipToNext(): void {
    if (this.state !== 'connecting' && this.state !== 'chatting') return
    this.#leave('skipped')
    this.#searchAgain(words.flowNewsText('skipped'))
  }

  end(): void {
    if (this.state === 'searching') return this.cancel()
    if (this.state !== 'connecting' && this.state !== 'chatting') return
    this.#leave('left')
    this.#finish('you-left')
  }

  /** Sends a message (a reply to `replyTo`); false (nothing lost, the composer keeps the text) when it cannot go now. */
  send(text: string, replyTo?: string): boolean {
    const body = tidyMessage(text)
    if (!this.#chat || body.length === 0 || [...body].length > this.limits.maxMessageChars) return false
    return this.#chat.send(body, replyTo)
  }

  /** On page hide: tell the partner and write what is pending, while we still can. */
  pageHidden(): void {
    this.#chat?.sayGoodbye()
    void this.#library.flush()
  }

  #onDisconnect(): void {
    this.#pair.forgive(null) // the server ends our pair with our socket
    if (this.state === 'connecting') {
      // The server ended the pair (the partner hears so); our candidates can no longer reach them.
      this.#searchAgain(words.flowNewsText('lost-server-connecting'))
      return this.board.notify('offline', () => words.offlineText('connecting'))
    }
    const moment = this.state !== 'chatting' ? 'elsewhere' : this.path === 'server' ? 'chatting-via-server' : 'chatting'
    this.board.notify('offline', () => words.offlineText(moment))
  }

  #onMatch(found: MatchFound): void {
    // Matched after we cancelled: release the stranger at once.
    if (this.state !== 'searching' || this.#chat) {
      this.#prep.renewSigningKeys()
      return this.#pair.release()
    }
    // The chat first: its first relayed frame is out before any state change schedules a render.
    const chat: ActiveChat = new ActiveChat(
      {
        found,
        myName: this.myName,
        ...this.chatPaths(this.#socket),
        // Used once: every chat gets its own key pair and certificate.
        credentials: this.#prep.take(),
        save: (record, changedFrom) => this.#library.save(record, changedFrom),
        flush: () => this.#library.flush(),
        heard: (message) => this.attention.heard(found.partner.name, message),
      },
      {
        viewReady: () => (this.chatView = true),
        secured: () => this.#onSecured(),
        partnerLeft: (reason) => this.#partnerGone(reason),
        lost: () => this.#partnerGone('lost'),
        failed: () => this.#abandon('error', words.connectFailure(this.relayOnly, this.relayOffered), 'failed'),
        handshakeFailed: (reason) => this.#abandon('crypto', () => words.handshakeFailureText(reason), 'error'),
        warn: (kind, text) => this.board.notify(kind, text),
      },
    )
    this.#chat = chat
    this.#shown = chat
    this.partnerName = found.partner.name
    this.state = 'connecting'
    this.board.say(words.matchedText(found.partner.name))
    this.attention.matched(found.partner.name)
    for (const frame of this.#early.take()) chat.relayed(frame)
  }

  /** A sealed frame through the server: for the chat, its lingering end, or the one about to be announced. */
  #onRelayed(frame: Uint8Array): void {
    if (this.#chat) return this.#chat.relayed(frame)
    if (this.state === 'ended') return this.#shown?.relayed(frame)
    // The partner's first frame may overtake our match:found between nodes; only after our find left.
    if (this.state === 'searching') this.#early.keep(frame)
  }

  #onSecured(): void {
    this.chatView = true
    this.state = 'chatting'
    this.board.say(words.securedText(this.partnerName))
    // Not while connecting: the main thread is the bottleneck of the handshake then.
    void this.#prep.prepare()
  }

  #onMatchEnded(ended: MatchEnded): void {
    this.#pair.forgive(ended.chatId)
    if (!this.#chat || ended.chatId !== this.#chat.chatId) return
    // A partner who merely lost signaling may still be with us peer to peer: the heartbeat decides.
    if (ended.reason === 'disconnected' && this.state === 'chatting' && this.path !== 'server') return
    this.#partnerGone(ended.reason, true)
  }

  /** `serverEnded`: the server ended the pair already; otherwise we tell it, or it keeps us paired. */
  #partnerGone(reason: LeaveReason | 'lost' | 'disconnected', serverEnded = false): void {
    const chatId = this.#chat?.chatId
    const gone = [this.partnerName, reason, this.state === 'connecting'] as const
    this.board.notify('partner', () => words.partnerGoneText(...gone))
    this.#finish(reason)
    if (serverEnded || chatId === undefined) return
    // A partner lost peer to peer is still our pair on the server: without a leave, the next search
    // is refused until their socket times out (up to 45 s). After a bye their own leave is coming.
    if (reason === 'lost') this.#pair.release()
    else this.#pair.owe(chatId)
  }

  /** The chat cannot go on (no connection, a failed handshake): say why, leave, end it. */
  #abandon(kind: 'error' | 'crypto', text: Wording, end: ChatEnd): void {
    this.board.notify(kind, text)
    this.#leave('left')
    this.#finish(end)
  }

  /** Tells the partner (sealed bye) and the server; then tears the chat down. */
  #leave(reason: LeaveReason): void {
    const chat = this.#chat
    if (!chat) return
    chat.leave(reason, () => this.#pair.leave(reason))
    this.#teardown()
  }

  #finish(reason: ChatEnd): void {
    this.#teardown()
    this.endReason = reason
    this.state = 'ended'
    if (reason === 'you-left') this.board.say(words.flowNewsText('you-left'))
  }

  #teardown(): void {
    const chat = this.#chat
    if (!chat) return
    this.#chat = null
    this.#pair.stopRetrying()
    chat.close()
  }

  /** Drops the chat (already left) and searches again: after the leave's answer, or once the server is back. */
  #searchAgain(announcement: string): void {
    this.#teardown()
    this.#resetChatView()
    this.state = 'searching'
    this.board.say(announcement)
    void this.#prep.prepare()
  }

  #resetChatView(): void {
    this.chatView = false
    this.#shown = null
    this.endReason = null
    this.partnerName = ''
    this.board.clear('partner', 'crypto', 'flood', 'unsaved', 'error')
  }
}
