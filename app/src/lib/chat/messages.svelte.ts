// One chat's conversation as the chat view shows it: the messages with their delivery state and the
// partner's typing, carried by the msg, ack and typing frames, and saved to history as they happen.
import type { RateLimit } from '#protocol'
import { fullBucket, takeToken } from '#protocol/token-bucket.ts'
import { randomId } from '../link/bytes.ts'
import { Conversation } from './conversation.ts'
import { tidyMessage } from './message-text.ts'
import type { Frame } from '../link/frames.ts'
import type { ChatRecord, MessageProof, StoredMessage } from '../history/record.ts'
import { createTypingSender, typingExpiryMs, type TypingSender } from './typing.ts'

export type ConversationFrame = Extract<Frame, { t: 'msg' | 'ack' | 'typing' }>

/**
 * The partner's messages (and, separately, typing signals) beyond this rate are not shown nor acked:
 * a modified client flooding us would otherwise freeze the tab and fill the history. It is far
 * above any person's pace, and above scripted tests and benchmarks that send one at a time.
 */
export const partnerFrameLimit: RateLimit = { burst: 200, perSecond: 100 }
/** At most this many unacknowledged messages go again at once: well within the server relay's burst. */
const resendMax = 50

type MessageFrame = Extract<Frame, { t: 'msg' }>

/** What the conversation needs of the link and of the history: sending a sealed frame, saving. */
export interface ChatMessagesDeps {
  send(frame: Frame): boolean
  /** Whether the link takes frames now: a message is refused (the composer keeps it) otherwise. */
  canSend(): boolean
  /** Our signature of a message; absent when we have no signing key. */
  sign?: (message: Omit<MessageFrame, 't'>) => Promise<string>
  /**
   * Checks a partner's message against their key (null: this browser cannot check); absent when the server
   * announced none for them. Only a checked message keeps its proof, for a report.
   */
  verify?: (message: MessageFrame) => Promise<boolean | null>
  /** A partner's message failed its signature and was dropped. */
  forged(): void
  save(record: ChatRecord, changedFrom?: number): void
  flush(): Promise<void>
  /** The partner sent messages too fast and some were dropped: called once per chat. */
  flooded(): void
  /** A partner's message was just shown (a notification while the tab is in the background). */
  heard?: (message: StoredMessage) => void
}

export class ChatMessages {
  /** Immutable items in a raw array: the list's keyed diff reads plain objects, not proxies. */
  list = $state.raw<StoredMessage[]>([])
  partnerTyping = $state(false)

  readonly #deps: ChatMessagesDeps
  readonly #conversation: Conversation
  readonly #typing: TypingSender
  #typingExpiry: ReturnType<typeof setTimeout> | undefined
  #open = true
  readonly #incoming = fullBucket(partnerFrameLimit, performance.now())
  readonly #typingSignals = fullBucket(partnerFrameLimit, performance.now())
  #flooded = false
  /** Our messages not acknowledged yet, in the order sent, with when each last left. Never rendered. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping only: a reactive map would cost every send
  readonly #outbox = new Map<string, { frame: MessageFrame; sentMs: number }>()
  /** Frames go out in order: a signed message's signature is async, and what follows must wait for it. */
  #outbound: Promise<void> = Promise.resolve()
  #signing = 0
  /** Partner messages are shown in order, each after its own signature check (checks run in parallel). */
  #inbound: Promise<void> = Promise.resolve()
  #checking = 0
  /** Our messages sent since the list last showed them. */
  readonly #unshown: { id: string; text: string; at: number }[] = []
  /** Acks of messages sent but not shown yet (a burst still being signed). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping only, never rendered
  readonly #earlyAcks = new Set<string>()

  constructor(header: Omit<ChatRecord, 'messages'>, deps: ChatMessagesDeps) {
    this.#deps = deps
    this.#conversation = new Conversation({ ...header, messages: [] })
    this.#typing = createTypingSender((on) => {
      if (this.#open) this.afterSends(() => void deps.send({ t: 'typing', on }))
      return this.#open
    })
  }

  /** The channel is secured: the chat counts from now (an empty chat is never saved). */
  secured(at: number = Date.now()): void {
    this.#conversation.record.startedAt = at
  }

  /** The name the partner knows us by in this chat (a reconnect to the server brings a new one). */
  get myName(): string {
    return this.#conversation.record.myName
  }

  /** Sends a message; false (the composer keeps the text) when the channel cannot take it now. */
  send(raw: string): boolean {
    const text = tidyMessage(raw)
    if (!this.#open || text.length === 0 || !this.#deps.canSend()) return false
    const id = randomId()
    const at = Date.now()
    const { sign } = this.#deps
    if (sign) {
      this.#signing += 1
      const signed = sign({ id, text, sentAt: at })
      this.#outbound = this.#outbound.then(async () => {
        // A signature that cannot be made (the key went away) leaves the message unsent: shown as sending.
        const sig = await signed.catch(() => null)
        this.#signing -= 1
        if (sig !== null) this.#transmit({ t: 'msg', id, text, sentAt: at, sig })
        this.#unshown.push({ id, text, at })
        // Shown once every signed message has left: a render between them would hold the next ones back.
        if (this.#signing === 0) this.#showSent()
      })
    } else {
      this.#transmit({ t: 'msg', id, text, sentAt: at })
      this.#unshown.push({ id, text, at })
      this.#showSent()
    }
    this.#typing.stop()
    return true
  }

  /** Our messages that have left (or could not be signed), onto the list and into history: after, not before. */
  #showSent(): void {
    const sent = this.#unshown.splice(0).map(({ id, text, at }) => {
      const message = this.#conversation.sent(id, text, at)
      // Its ack came before the others of the burst had left: delivered already.
      if (!this.#earlyAcks.delete(id)) return message
      this.#conversation.delivered(id)
      return { ...message, status: 'delivered' as const }
    })
    this.list = [...this.list, ...sent]
    this.#deps.save(this.#conversation.record)
  }

  /** Sends (and keeps until acked) a message. */
  #transmit(frame: MessageFrame): void {
    this.#outbox.set(frame.id, { frame, sentMs: performance.now() })
    this.#deps.send(frame) // if the link refuses it now, the next resend carries it
  }

  /** Runs after every frame queued so far has gone out: at once when no signature is pending. */
  afterSends(task: () => void): void {
    if (this.#signing === 0) task()
    else this.#outbound = this.#outbound.then(task)
  }

  /** Sends again, in order, what the partner has not acknowledged within `minAgeMs` (0: all of it). */
  resend(minAgeMs: number): void {
    const nowMs = performance.now()
    let sent = 0
    for (const pending of this.#outbox.values()) {
      // Bounded: a partner who never acks must not make us send ever more (the rest goes next time).
      if (sent === resendMax) return
      if (nowMs - pending.sentMs < minAgeMs) continue
      if (!this.#deps.send(pending.frame)) return
      pending.sentMs = nowMs
      sent += 1
    }
  }

  typed(text: string): void {
    if (this.#open) this.#typing.input(text)
  }

  /**
   * After close (the closing link lingers) acks and messages still count: what the partner sent or
   * confirmed just before the end, which the server's match:ended can overtake on its faster path.
   */
  receive(frame: ConversationFrame): void {
    if (!this.#open && frame.t === 'typing') return
    switch (frame.t) {
      case 'msg': {
        if (!takeToken(this.#incoming, partnerFrameLimit, performance.now())) return this.#tooFast()
        const { verify } = this.#deps
        if (!verify) return this.#show(frame, false)
        this.#checking += 1
        const checked = verify(frame).catch(() => false)
        this.#inbound = this.#inbound.then(async () => {
          const genuine = await checked
          this.#checking -= 1
          if (genuine === false) this.#deps.forged()
          else this.#show(frame, genuine === true)
        })
        return
      }
      case 'ack': {
        this.#outbox.delete(frame.id)
        const index = this.#conversation.delivered(frame.id)
        if (index < 0 && this.#unshown.some((message) => message.id === frame.id)) this.#earlyAcks.add(frame.id)
        if (index < 0) return
        // The list and the record grow together, one entry per shown message: same index.
        const shown = this.list[index]
        if (shown) this.list = this.list.with(index, { ...shown, status: 'delivered' })
        this.#deps.save(this.#conversation.record, index)
        return
      }
      case 'typing': {
        if (!takeToken(this.#typingSignals, partnerFrameLimit, performance.now())) return
        // After the messages before it are shown (showing one ends the partner's typing).
        if (this.#checking === 0) return this.#setPartnerTyping(frame.on)
        this.#inbound = this.#inbound.then(() => this.#setPartnerTyping(frame.on))
      }
    }
  }

  /** A partner's message, checked: shown once, acked, saved (`proven`: with its signature, for a report). */
  #show(frame: MessageFrame, proven: boolean): void {
    const text = tidyMessage(frame.text)
    if (text.length === 0) return // whitespace only: nothing to show
    const message = this.#conversation.received(frame.id, text, Date.now(), proven ? proofOf(frame, text) : undefined)
    // Sent again (a path changed before our ack reached them): shown once, acked again.
    if (!message && this.#conversation.isResent(frame.id, text)) this.#deps.send({ t: 'ack', id: frame.id })
    if (!message) return
    this.#setPartnerTyping(false)
    this.list = [...this.list, message]
    this.#deps.heard?.(message)
    // Acked after the list updates (next task): the render is the hot path, and "delivered" means shown.
    // Even if the chat ends meanwhile: the message was shown, and a closing link still carries it.
    setTimeout(() => this.#deps.send({ t: 'ack', id: frame.id }), 0)
    this.#deps.save(this.#conversation.record)
  }

  #tooFast(): void {
    if (this.#flooded) return
    this.#flooded = true
    this.#deps.flooded()
  }

  /** The chat is over: nothing more is sent, the list stays on screen, and its end time is saved. */
  close(at: number = Date.now()): void {
    if (!this.#open) return
    this.#open = false
    this.#typing.stop() // clears its idle timer; nothing is sent any more
    clearTimeout(this.#typingExpiry)
    this.partnerTyping = false
    const record = this.#conversation.record
    record.endedAt = at
    if (record.messages.length === 0) return
    // Only the head changed (its end time).
    this.#deps.save(record, record.messages.length)
    void this.#deps.flush()
  }

  #setPartnerTyping(on: boolean): void {
    clearTimeout(this.#typingExpiry)
    this.partnerTyping = on
    if (on) this.#typingExpiry = setTimeout(() => (this.partnerTyping = false), typingExpiryMs)
  }
}

/** What a report needs to prove a signed message: its signature, and the text as signed if it was tidied. */
function proofOf(frame: MessageFrame, shown: string): MessageProof | undefined {
  if (frame.sig === undefined) return undefined
  return { sentAt: frame.sentAt, sig: frame.sig, ...(shown !== frame.text && { text: frame.text }) }
}
