// The chat session state machine the components render: lobby → search → connect → chat → ended.
import {
  defaultLimits,
  type IceServer,
  type Limits,
  type MatchEnded,
  type MatchFound,
  type Presence,
  type Signal,
} from '#protocol'
import { ChatPreparation } from './link/chat-prep.ts'
import type { ByeReason, Frame } from './link/frames.ts'
import { startHeartbeat, type Heartbeat } from './link/heartbeat.ts'
import {
  connectFailureText,
  droppedFramesText,
  floodedText,
  handshakeFailureText,
  historyStoppedText,
  historyUnavailableText,
  historyWriteFailedText,
  partnerGoneText,
  refusalText,
} from './wording.ts'
import { NoticeBoard } from './notices.svelte.ts'
import { ChatMessages, type ConversationFrame } from './chat/messages.svelte.ts'
import type { StoredMessage } from './history/record.ts'
import type { Library } from './history/library.svelte.ts'
import type { Route } from './link/peer.ts'
import { openChatLink, type ChatLink } from './link/chat-link.ts'
import { readSetting, writeSetting } from './settings.ts'
import { tidyMessage } from './chat/message-text.ts'
import { refusalOf } from './matchmaking/refusal.ts'
import { ServerPair } from './matchmaking/server-pair.ts'
import type { SignalingSocket } from './matchmaking/signaling.ts'

export type ChatState = 'idle' | 'searching' | 'connecting' | 'chatting' | 'ended'
export type EndReason = 'left' | 'skipped' | 'lost' | 'disconnected' | 'failed' | 'error' | 'you-left'
export type { Notice, NoticeKind } from './notices.svelte.ts'

/** Long enough for trickle ICE through a TURN relay on a slow network, short enough not to strand anyone. */
export const connectTimeoutMs = 15_000
/** The longest the lobby stays up after a match while our side of the handshake goes out. */
const chatViewDelayMaxMs = 60

interface ActiveChat {
  chatId: string
  link: ChatLink
  messages: ChatMessages
  heartbeat: Heartbeat | null
  timers: ReturnType<typeof setTimeout>[]
}

const noMessages: StoredMessage[] = []

export class Session {
  state = $state<ChatState>('idle')
  connected = $state(false)
  presence = $state<Presence>({ online: 0, searching: 0, chatting: 0 })
  myName = $state('')
  limits = $state.raw<Limits>(defaultLimits)
  relayOffered = $state(false)
  hideIp = $state(readSetting('hideIp', true))
  partnerName = $state('')
  /** The conversation on screen: the current chat's, or the last one's until the next begins. */
  #shown = $state.raw<ChatMessages | null>(null)
  safetyCode = $state<string | null>(null)
  /**
   * Whether the chat view replaces the lobby yet. It waits, while connecting, until our offer or answer
   * and candidates are out: rendering it first (~15 ms of main thread) would hold up the handshake.
   */
  chatView = $state(false)
  route = $state<Route | null>(null)
  endReason = $state<EndReason | null>(null)
  dropped = $state(0)

  #socket: SignalingSocket
  #library: Library
  #iceServers: IceServer[] = []
  #prep = new ChatPreparation()
  #chat: ActiveChat | null = null
  #board = new NoticeBoard()
  #pair: ServerPair

  constructor(socket: SignalingSocket, library: Library) {
    this.#socket = socket
    this.#library = library
    this.#pair = new ServerPair(socket, {
      connected: () => this.connected,
      searching: () => this.state === 'searching' && !this.#chat,
      searchFailed: (message) => {
        this.state = 'idle'
        this.#board.notify('error', `Could not search: ${message}`)
      },
    })
    socket.on('connect', () => this.#onConnect())
    socket.on('disconnect', () => this.#onDisconnect())
    socket.on('connect_error', (error) => {
      const refusal = refusalOf(error)
      if (refusal) this.#board.notify('offline', refusalText(refusal))
    })
    socket.on('session:welcome', (welcome) => {
      this.myName = welcome.name
      this.limits = welcome.limits
      this.relayOffered = welcome.relayOnly
      this.#iceServers = welcome.iceServers
    })
    socket.on('session:ice', (servers) => (this.#iceServers = servers))
    socket.on('session:error', (error) => {
      if (error.code !== 'unavailable') this.#board.notify('error', `Server: ${error.message}`)
    })
    socket.on('presence:update', (presence) => (this.presence = presence))
    socket.on('match:found', (found) => this.#onMatch(found))
    socket.on('match:ended', (ended) => this.#onMatchEnded(ended))
    socket.on('signal:relay', (signal) => this.#onSignal(signal))
    void this.#prep.prepare()
    library.ready.then(() => {
      if (library.status === 'unavailable') this.#board.notify('history', historyUnavailableText)
    })
    library.onWriteError((message) =>
      message === null ? this.#board.clear('history') : this.#board.notify('history', historyWriteFailedText(message)),
    )
    // Its own kind: a write failure lifting (its notice cleared) must not take this one with it.
    library.onStopped((chatIds) => {
      if (this.#chat && chatIds.includes(this.#chat.chatId)) this.#board.notify('unsaved', historyStoppedText)
    })
  }

  get messages(): StoredMessage[] {
    return this.#shown?.list ?? noMessages
  }

  /** The name the partner knows us by: the chat's, even if a reconnect to the server brought a new one. */
  get nameInChat(): string {
    return this.#shown?.myName ?? this.myName
  }

  get partnerTyping(): boolean {
    return this.#shown?.partnerTyping ?? false
  }

  get notices() {
    return this.#board.items
  }

  /** Read by a polite live region: state changes, spoken once. */
  get announcement(): string {
    return this.#board.announcement
  }

  /** Whether relay-only ICE is in force for the next chat. */
  get relayOnly(): boolean {
    return this.relayOffered && this.hideIp
  }

  setHideIp(hide: boolean): void {
    this.hideIp = hide
    writeSetting('hideIp', hide)
  }

  start(): void {
    if (this.state !== 'idle' && this.state !== 'ended') return
    // Before the search, in order: the server must not still hold us in the last chat.
    this.#pair.payOwed()
    this.#resetChatView()
    this.state = 'searching'
    this.#board.say('Searching for a stranger…')
    this.#pair.search()
    void this.#prep.prepare()
  }

  cancel(): void {
    if (this.state !== 'searching') return
    this.state = 'idle'
    this.#board.say('Search cancelled.')
    this.#pair.cancel()
  }

  /** Skip: tell the partner at once (peer to peer), leave, and look for the next stranger. */
  skipToNext(): void {
    if (this.state !== 'connecting' && this.state !== 'chatting') return
    this.#leave('skipped')
    this.#searchAgain('Skipped. Searching for the next stranger…')
  }

  end(): void {
    if (this.state === 'searching') return this.cancel()
    if (this.state !== 'connecting' && this.state !== 'chatting') return
    this.#leave('left')
    this.#finish('you-left')
  }

  /** Sends a message; false (nothing lost, the composer keeps the text) when it cannot go now. */
  send(text: string): boolean {
    const chat = this.#chat
    const body = tidyMessage(text)
    if (!chat || this.state !== 'chatting' || body.length === 0 || [...body].length > this.limits.maxMessageChars)
      return false
    return chat.messages.send(body)
  }

  typed(text: string): void {
    this.#chat?.messages.typed(text)
  }

  dismiss(id: number): void {
    this.#board.dismiss(id)
  }

  /** On page hide: tell the partner and write what is pending, while we still can. */
  pageHidden(): void {
    if (this.#chat?.link.ready) this.#chat.link.send({ t: 'bye', reason: 'left' })
    void this.#library.flush()
  }

  #onConnect(): void {
    this.connected = true
    this.#board.clear('offline')
    if (this.state === 'searching' && !this.#chat) this.#pair.search()
  }

  #onDisconnect(): void {
    this.connected = false
    this.#pair.forgive(null) // the server ends our pair with our socket
    if (this.state === 'connecting') {
      // The server ended the pair (the partner hears so); our candidates can no longer reach them.
      this.#searchAgain('Lost the matchmaking server while connecting. Searching again once it is back…')
      return this.#board.notify('offline', 'Matchmaking server offline. That stranger is gone; reconnecting…')
    }
    const chatting = this.state === 'chatting'
    this.#board.notify(
      'offline',
      chatting
        ? 'Matchmaking server offline. This chat goes on peer to peer; reconnecting in the background…'
        : 'Matchmaking server offline. Reconnecting…',
    )
  }

  #onMatch(found: MatchFound): void {
    if (this.state !== 'searching' || this.#chat) {
      // Matched after we cancelled: release the stranger at once.
      return this.#pair.release()
    }
    this.partnerName = found.partner.name
    this.state = 'connecting'
    this.#board.say(`Matched with ${found.partner.name}. Securing connection…`)
    // Used once: every chat gets its own key pair and certificate.
    const { keyPair, certificate } = this.#prep.take()
    const live = () => this.#chat === chat
    const chat: ActiveChat = {
      chatId: found.chatId,
      link: openChatLink({
        initiator: found.initiator,
        iceServers: this.#iceServers,
        relayOnly: this.relayOnly,
        keyPair,
        certificate,
        maxMessageChars: this.limits.maxMessageChars,
        // No ack: a lost candidate shows up as a failed connection, which the app explains anyway.
        sendSignal: (signal) => live() && this.#socket.emit('signal:relay', signal),
        onSecured: (code) => live() && this.#onSecured(code),
        onGathered: () => live() && (this.chatView = true),
        // After the end, the closing link still brings the partner's last messages and acks.
        onFrame: (frame) => {
          if (live()) this.#onFrame(frame)
          else if (frame.t === 'msg' || frame.t === 'ack') chat.messages.receive(frame)
        },
        onDropped: () => {
          if (!live()) return
          this.dropped += 1
          // One visible warning per chat, however many frames are dropped.
          if (this.dropped === 1) this.#board.notify('crypto', droppedFramesText)
        },
        onFailure: (reason) => {
          if (!live()) return
          this.#board.notify('crypto', handshakeFailureText(reason))
          this.#leave('left')
          this.#finish('error')
        },
        onClosed: () => {
          if (!live()) return
          if (this.state === 'chatting') this.#partnerGone('lost')
          else this.#fail()
        },
      }),
      messages: new ChatMessages(
        {
          chatId: found.chatId,
          myName: this.myName,
          partnerName: found.partner.name,
          startedAt: Date.now(),
          endedAt: null,
        },
        {
          send: (frame) => chat.link.send(frame),
          save: (record, changedFrom) => this.#library.save(record, changedFrom),
          flush: () => this.#library.flush(),
          // Its own kind: a flood must not replace (hide) a verification warning.
          flooded: () => this.#board.notify('flood', floodedText(found.partner.name)),
        },
      ),
      heartbeat: null,
      timers: [],
    }
    this.#chat = chat
    this.#shown = chat.messages
    chat.timers.push(setTimeout(() => live() && this.state === 'connecting' && this.#fail(), connectTimeoutMs))
    // However slow the gathering (a far TURN server), the chat view is up within a blink.
    chat.timers.push(setTimeout(() => live() && (this.chatView = true), chatViewDelayMaxMs))
  }

  #onSecured(code: string): void {
    const chat = this.#chat
    if (!chat) return
    this.safetyCode = code
    this.chatView = true
    this.state = 'chatting'
    chat.messages.secured()
    chat.heartbeat = startHeartbeat(
      () => chat.link.send({ t: 'ping' }),
      () => this.#chat === chat && this.#partnerGone('lost'),
    )
    this.#board.say(`Connected with ${this.partnerName}. Messages are end-to-end encrypted.`)
    // Not while connecting: the main thread is the bottleneck of the handshake then.
    void this.#prep.prepare()
    void chat.link.route().then((route) => this.#chat === chat && (this.route = route))
  }

  #onFrame(frame: Frame): void {
    const chat = this.#chat
    if (!chat) return
    chat.heartbeat?.heard()
    switch (frame.t) {
      case 'msg':
      case 'ack':
      case 'typing':
        return chat.messages.receive(frame satisfies ConversationFrame)
      case 'ping':
        chat.link.send({ t: 'pong' })
        return
      case 'pong':
        return
      case 'bye':
        return this.#partnerGone(frame.reason)
    }
  }

  #onSignal(signal: Signal): void {
    const chat = this.#chat
    if (!chat) return
    chat.link.signal(signal)
  }

  #onMatchEnded(ended: MatchEnded): void {
    this.#pair.forgive(ended.chatId)
    const chat = this.#chat
    if (!chat || ended.chatId !== chat.chatId) return
    // A partner who merely lost signaling may still be with us peer to peer: the heartbeat decides.
    if (ended.reason === 'disconnected' && this.state === 'chatting') return
    this.#partnerGone(ended.reason, true)
  }

  /** `serverEnded`: the server ended the pair already; otherwise we tell it, or it keeps us paired. */
  #partnerGone(reason: 'left' | 'skipped' | 'lost' | 'disconnected', serverEnded = false): void {
    const chatId = this.#chat?.chatId
    const name = this.partnerName || 'The stranger'
    this.#board.notify('partner', partnerGoneText(name, reason, this.state === 'connecting'))
    this.#finish(reason)
    if (serverEnded || chatId === undefined) return
    // A partner lost peer to peer is still our pair on the server: without a leave, the next search
    // is refused until their socket times out (up to 45 s). After a bye their own leave is coming.
    if (reason === 'lost') this.#pair.release()
    else this.#pair.owe(chatId)
  }

  #fail(): void {
    this.#board.notify('error', connectFailureText(this.relayOnly, this.relayOffered))
    this.#leave('left')
    this.#finish('failed')
  }

  /** Tells the partner (sealed bye) and the server; then tears the chat down. */
  #leave(reason: ByeReason): void {
    const chat = this.#chat
    if (!chat) return
    chat.link.send({ t: 'bye', reason })
    this.#teardown()
    this.#pair.leave(reason)
  }

  #finish(reason: EndReason): void {
    this.#teardown()
    this.endReason = reason
    this.state = 'ended'
    if (reason === 'you-left') this.#board.say('You left the chat.')
  }

  #teardown(): void {
    const chat = this.#chat
    if (!chat) return
    this.#chat = null
    this.#pair.stopRetrying()
    chat.heartbeat?.stop()
    for (const timer of chat.timers) clearTimeout(timer)
    chat.link.close()
    chat.messages.close()
  }

  /** Drops the chat (already left) and searches again: after the leave's answer, or once the server is back. */
  #searchAgain(announcement: string): void {
    this.#teardown()
    this.#resetChatView()
    this.state = 'searching'
    this.#board.say(announcement)
    void this.#prep.prepare()
  }

  #resetChatView(): void {
    this.chatView = false
    this.#shown = null
    this.safetyCode = null
    this.route = null
    this.endReason = null
    this.partnerName = ''
    this.dropped = 0
    this.#board.clear('partner', 'crypto', 'flood', 'unsaved', 'error')
  }
}
