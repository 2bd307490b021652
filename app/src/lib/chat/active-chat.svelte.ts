// One chat from the match to its teardown: the link to the partner, the conversation over it, the
// heartbeat and the timers. Frames go from the link to the conversation here; the session hears only
// the milestones of the flow (view ready, secured, the partner gone, the link lost or failed).
import type { IceServer, LeaveReason, MatchFound, Signal } from '#protocol'
import type { ChatRecord } from '../history/record.ts'
import type { ChatCredentials } from '../link/chat-prep.ts'
import { openChatLink, type ChatLink, type LinkPath } from '../link/chat-link.ts'
import type { Frame } from '../link/frames.ts'
import type { Wording } from '../notices.svelte.ts'
import { pingEveryMs, startHeartbeat, type Heartbeat } from '../link/heartbeat.ts'
import type { HandshakeFailure } from '../link/secure-channel.ts'
import { SignatureCheck, signMessage, type SigningKeys } from '../link/signing.ts'
import { droppedFramesText, floodedText } from '../wording.ts'
import { ChatMessages, type ChatMessagesDeps } from './messages.svelte.ts'
import { ImageTransfers } from './images.svelte.ts'

/** How a chat ended, as the person is told: the partner's doing, the network's, or their own. */
export type ChatEnd = LeaveReason | 'lost' | 'disconnected' | 'failed' | 'error' | 'you-left'

/** Long enough for trickle ICE through a TURN relay on a slow network, short enough not to strand anyone. */
export const connectTimeoutMs = 15_000
/** The longest the lobby stays up after a match while our side of the handshake goes out. */
const chatViewDelayMaxMs = 60
/** Unacknowledged this long (two heartbeats): sent again on the current path; the partner keeps one per id. */
const resendAfterMs = 2 * pingEveryMs

export interface ActiveChatOptions {
  found: MatchFound
  /** The name the partner knows us by in this chat. */
  myName: string
  /** The ICE servers in force, read at each dial (the server refreshes TURN credentials). */
  iceServers: () => IceServer[]
  /** TURN only: the partner never learns our address. */
  relayOnly: boolean
  /** No peer connection at all (hide my IP without TURN): the chat runs over the server's relay. */
  noPeer: boolean
  /** Sends a sealed frame through the server's relay; null when the server offers none. */
  relay: ((data: Uint8Array) => void) | null
  /** Made ahead of time for exactly this chat. */
  credentials: ChatCredentials
  maxMessageChars: number
  /** The relay's byte rate when it carries images (RELAY_IMAGES), else null: images then need a data channel. */
  relayImageRate: number | null
  sendSignal(signal: Signal): void
  save(record: ChatRecord, changedFrom?: number): void
  flush(): Promise<void>
  heard?: ChatMessagesDeps['heard']
}

/** What the chat tells the session: the milestones of its flow, never a frame. */
export interface ActiveChatEvents {
  /** Our side of the setup is out (or the lobby has waited long enough): the chat view may replace it. */
  viewReady(): void
  secured(): void
  partnerLeft(reason: LeaveReason): void
  /** A secured chat went silent or its link closed. */
  lost(): void
  /** No secured chat: the link closed or the connect timeout ran out. */
  failed(): void
  handshakeFailed(reason: HandshakeFailure): void
  /** A warning about this chat for the person: frames that failed verification, a flooding partner. */
  warn(kind: 'crypto' | 'flood', text: Wording): void
}

export class ActiveChat {
  readonly chatId: string
  readonly partnerName: string
  /** The interests we share with the partner ([] when paired at random). */
  readonly common: readonly string[]
  readonly messages: ChatMessages
  readonly images: ImageTransfers
  safetyCode = $state<string | null>(null)
  path = $state<LinkPath>('none')

  readonly #events: ActiveChatEvents
  readonly #link: ChatLink
  #heartbeat: Heartbeat | null = null
  readonly #timers: ReturnType<typeof setTimeout>[] = []
  #dropped = 0
  #open = true

  constructor(options: ActiveChatOptions, events: ActiveChatEvents) {
    const { found } = options
    this.chatId = found.chatId
    this.partnerName = found.partner.name
    this.common = found.common
    this.#events = events
    this.messages = new ChatMessages(
      {
        chatId: found.chatId,
        myName: options.myName,
        partnerName: found.partner.name,
        startedAt: Date.now(),
        endedAt: null,
      },
      {
        send: (frame) => this.#link.send(frame),
        canSend: () => this.#link.ready,
        ...signatures(found, options.credentials.signing),
        // Like a tampered frame: dropped, with the same one warning per chat.
        forged: () => this.#open && ++this.#dropped === 1 && events.warn('crypto', droppedFramesText),
        save: options.save,
        flush: options.flush,
        heard: options.heard,
        // Its own kind: a flood must not replace (hide) a verification warning.
        flooded: () => this.#open && events.warn('flood', () => floodedText(this.partnerName)),
        unsent: (id) => this.images.forget(id),
      },
    )
    this.images = new ImageTransfers({
      messages: this.messages,
      send: (frame) => this.#link.send(frame),
      path: () => this.path,
      buffered: () => this.#link.buffered(),
      drained: (lowBytes) => this.#link.drained(lowBytes),
      relayBytesPerSecond: options.relayImageRate,
    })
    this.#link = openChatLink({
      initiator: found.initiator,
      keyPair: options.credentials.keyPair,
      maxMessageChars: options.maxMessageChars,
      relay: options.relay,
      peer: options.noPeer
        ? null
        : {
            iceServers: options.iceServers,
            relayOnly: options.relayOnly,
            certificate: options.credentials.certificate,
          },
      sendSignal: (signal) => this.#open && options.sendSignal(signal),
      onSecured: (code) => this.#open && this.#secured(code),
      onGathered: () => this.#open && events.viewReady(),
      onFrame: (frame) => this.#onFrame(frame),
      // One visible warning per chat, however many frames are dropped.
      onDropped: () => this.#open && ++this.#dropped === 1 && events.warn('crypto', droppedFramesText),
      onFailure: (reason) => this.#open && events.handshakeFailed(reason),
      onPath: (path) => this.#onPath(path),
      onClosed: () => this.#open && events.failed(),
    })
    this.path = this.#link.path
    this.#timers.push(setTimeout(() => this.#open && this.safetyCode === null && events.failed(), connectTimeoutMs))
    // However slow the handshake or the gathering (a far TURN server), the chat view is up within a blink.
    this.#timers.push(setTimeout(() => this.#open && events.viewReady(), chatViewDelayMaxMs))
  }

  signal(signal: Signal): void {
    this.#link.signal(signal)
  }

  /** A frame the partner sent through the server's relay (also while the closing link lingers). */
  relayed(data: Uint8Array): void {
    this.#link.relayed(data)
  }

  /** Sends a message (a reply to `replyTo`); false (the composer keeps the text) when it cannot go now. */
  send(text: string, replyTo?: string): boolean {
    return this.#open && this.safetyCode !== null && this.messages.send(text, replyTo)
  }

  typed(text: string): void {
    if (this.#open) this.messages.typed(text)
  }

  /**
   * Tells the partner peer to peer (a sealed bye, after any message still being signed), then closes;
   * `then` (telling the server) runs after the bye, so a relayed last message still has a pair to cross.
   */
  leave(reason: LeaveReason, then: () => void): void {
    if (!this.#open) return then()
    this.messages.afterSends(() => {
      this.#link.send({ t: 'bye', reason })
      then()
    })
    this.close()
  }

  /** The page is going away: a last bye while the link still carries it. */
  sayGoodbye(): void {
    if (this.#open && this.#link.ready) this.#link.send({ t: 'bye', reason: 'left' })
  }

  /** Stops everything; the closing link still brings the partner's last messages and acks for a moment. */
  close(): void {
    if (!this.#open) return
    this.#open = false
    this.#heartbeat?.stop()
    for (const timer of this.#timers) clearTimeout(timer)
    this.#link.close()
    this.messages.close()
    this.images.close()
  }

  #secured(code: string): void {
    this.safetyCode = code
    this.messages.secured()
    this.#heartbeat = startHeartbeat(
      () => {
        this.#link.send({ t: 'ping' })
        // A message the partner has not acknowledged by now was lost on a path that went away.
        this.messages.resend(resendAfterMs)
      },
      () => this.#open && this.#events.lost(),
    )
    this.#events.secured()
  }

  #onPath(path: LinkPath): void {
    if (!this.#open) return
    this.path = path
    if (this.safetyCode === null) return
    // The old path may have swallowed the last frames: what is not acknowledged goes again, in order,
    // and a ping tells the partner at once that we are here (their silence clock runs meanwhile).
    this.messages.resend(0)
    this.messages.changes.resend()
    this.images.pathChanged()
    this.#link.send({ t: 'ping' })
  }

  #onFrame(frame: Frame): void {
    // After the end, the closing link still brings the partner's last messages and acks.
    if (!this.#open) {
      if (frame.t === 'msg' || frame.t === 'ack') this.messages.receive(frame)
      return
    }
    this.#heartbeat?.heard()
    switch (frame.t) {
      case 'msg':
      case 'ack':
      case 'typing':
      case 'react':
      case 'edit':
      case 'unsend':
      case 'img-offer':
        return this.messages.receive(frame)
      case 'img-accept':
      case 'img-chunk':
      case 'img-cancel':
        return this.images.receive(frame)
      case 'ping':
        this.#link.send({ t: 'pong' })
        return
      case 'pong':
        return
      case 'bye':
        return this.#events.partnerLeft(frame.reason)
    }
  }
}

/** Our signing of messages and the check of the partner's, each where there is a key for it. */
function signatures(found: MatchFound, ours: SigningKeys | null): Pick<ChatMessagesDeps, 'sign' | 'verify'> {
  const theirs = found.partner.signKey
  const check = theirs === undefined ? null : new SignatureCheck(found.chatId, theirs)
  return {
    ...(ours && { sign: (message) => signMessage(ours.privateKey, found.chatId, message) }),
    ...(check && { verify: (message) => check.verify(message) }),
  }
}
