// One chat's conversation as the chat view shows it: the messages with their delivery state, replies,
// reactions, edits and deletions, and the partner's typing, saved to history as they happen.
import type { RateLimit } from '#protocol'
import { fullBucket, takeToken } from '#protocol/token-bucket.ts'
import { randomId } from '../link/bytes.ts'
import { Conversation, extrasOf, type MessageExtras } from './conversation.ts'
import { tidyMessage } from './message-text.ts'
import type { Frame } from '../link/frames.ts'
import type { ChatRecord, StoredMessage } from '../history/record.ts'
import type { StoredImage } from '../history/rich-fields.ts'
import { createTypingSender, typingExpiryMs, type TypingSender } from './typing.ts'
import { editAsMessage, MessageChanges, proofOf } from './message-changes.ts'
import { Outbound } from './outbound.ts'
import { Outbox } from './outbox.ts'

export type ConversationFrame = Extract<
  Frame,
  { t: 'msg' | 'ack' | 'typing' | 'react' | 'edit' | 'unsend' | 'img-offer' }
>

/**
 * The partner's messages (and, separately, typing signals) beyond this rate are not shown nor acked:
 * a modified client flooding us would otherwise freeze the tab and fill the history. It is far
 * above any person's pace, and above scripted tests and benchmarks that send one at a time.
 */
export const partnerFrameLimit: RateLimit = { burst: 200, perSecond: 100 }

type MessageFrame = Extract<Frame, { t: 'msg' }>
type OfferFrame = Extract<Frame, { t: 'img-offer' }>

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
  /** A message (or image) was unsent, by either side: its transfer, if any, stops. */
  unsent?(id: string): void
  /** A partner's message was just shown (a notification while the tab is in the background). */
  heard?: (message: StoredMessage) => void
}

export class ChatMessages {
  /** Immutable items in a raw array: the list's keyed diff reads plain objects, not proxies. */
  list = $state.raw<StoredMessage[]>([])
  partnerTyping = $state(false)
  /** Reactions, edits and deletions, ours and the partner's. */
  readonly changes: MessageChanges

  readonly #deps: ChatMessagesDeps
  readonly #conversation: Conversation
  readonly #typing: TypingSender
  #typingExpiry: ReturnType<typeof setTimeout> | undefined
  #open = true
  readonly #incoming = fullBucket(partnerFrameLimit, performance.now())
  readonly #typingSignals = fullBucket(partnerFrameLimit, performance.now())
  #flooded = false
  readonly #outbox: Outbox
  readonly #outbound = new Outbound()
  /** Partner messages are shown in order, each after its own signature check (checks run in parallel). */
  #inbound: Promise<void> = Promise.resolve()
  #checking = 0
  /** Our messages sent since the list last showed them. */
  readonly #unshown: StoredMessage[] = []
  /** Acks of messages sent but not shown yet (a burst still being signed). */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping only, never rendered
  readonly #earlyAcks = new Set<string>()

  constructor(header: Omit<ChatRecord, 'messages'>, deps: ChatMessagesDeps) {
    this.#deps = deps
    this.#conversation = new Conversation({ ...header, messages: [] })
    this.#outbox = new Outbox(deps.send)
    this.changes = new MessageChanges({
      open: () => this.#open,
      find: (id) => this.find(id),
      patch: (id, change) => this.patch(id, change),
      send: (frame) => this.afterSends(() => void deps.send(frame)),
      signed: (signature, leave) => this.#outbound.signed(signature, leave),
      unsent: (id) => {
        this.#outbox.settle(id) // not sent again: a partner who never got it never will
        deps.unsent?.(id)
      },
      ...(deps.sign && { sign: deps.sign }),
    })
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

  /** Sends a message (a reply when `replyTo` names one); false (the composer keeps the text) when it cannot go now. */
  send(raw: string, replyTo?: string): boolean {
    const text = tidyMessage(raw)
    if (!this.#open || text.length === 0 || !this.#deps.canSend()) return false
    const id = randomId()
    const at = Date.now()
    const reply = replyTo !== undefined && this.#conversation.find(replyTo) ? { replyTo } : {}
    const frame: MessageFrame = { t: 'msg', id, text, sentAt: at, ...reply }
    const { sign } = this.#deps
    const shown: StoredMessage = { id, from: 'me', text, at, status: 'sending', ...reply }
    if (!sign) {
      this.#outbox.transmit(frame)
      this.#unshown.push(shown)
      this.#showSent()
    } else {
      this.#outbound.signed(sign({ id, text, sentAt: at }), (sig, last) => {
        // A signature that cannot be made (the key went away) leaves the message unsent: shown as sending.
        if (sig !== null) this.#outbox.transmit({ ...frame, sig })
        this.#unshown.push(shown)
        // Shown once every signed message has left: a render between them would hold the next ones back.
        if (last) this.#showSent()
      })
    }
    this.#typing.stop()
    return true
  }

  /** Our image offer (chat/images.svelte.ts made the picture): shown at once, sent again until acked. */
  offerImage(id: string, image: StoredImage): void {
    const { mime, bytes, width, height } = image
    this.afterSends(() => this.#outbox.transmit({ t: 'img-offer', id, mime, bytes, width, height }))
    this.#unshown.push({ id, from: 'me', text: '', at: Date.now(), status: 'sending', image })
    if (this.#outbound.idle) this.#showSent()
  }

  /** Our messages that have left (or could not be signed), onto the list and into history: after, not before. */
  #showSent(): void {
    const sent = this.#unshown.splice(0).map(({ id, text, at, ...extras }) => {
      const message = this.#conversation.sent(id, text, at, extrasOf(extras))
      // Its ack came before the others of the burst had left: delivered already.
      if (!this.#earlyAcks.delete(id)) return message
      this.#conversation.delivered(id)
      return { ...message, status: 'delivered' as const }
    })
    this.list = [...this.list, ...sent]
    this.#deps.save(this.#conversation.record)
  }

  /** Runs after every frame queued so far has gone out: at once when no signature is pending. */
  afterSends(task: () => void): void {
    this.#outbound.after(task)
  }

  /** Sends again, in order, what the partner has not acknowledged within `minAgeMs` (0: all of it). */
  resend(minAgeMs: number): void {
    this.#outbox.resend(minAgeMs)
  }

  /** The message with this id, as the list shows it. */
  find(id: string): StoredMessage | undefined {
    return this.#conversation.find(id)
  }

  /** Replaces a message in the list and the record (null from `change`: none); saved from its index. */
  patch(id: string, change: (message: StoredMessage) => StoredMessage | null): StoredMessage | null {
    const index = this.#conversation.change(id, change)
    const next = this.#conversation.record.messages[index]
    if (index < 0 || !next) return null
    const shown = { ...next }
    // The list and the record grow together, one entry per shown message: same index.
    this.list = this.list.with(index, shown)
    this.#deps.save(this.#conversation.record, index)
    return shown
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
      case 'msg':
      case 'img-offer':
      case 'edit': {
        if (!takeToken(this.#incoming, partnerFrameLimit, performance.now())) return this.#tooFast()
        const { verify } = this.#deps
        const signed = frame.t === 'img-offer' ? null : frame.t === 'msg' ? frame : editAsMessage(frame)
        if (!verify || !signed) return this.#inOrder(() => this.#arrived(frame, false))
        this.#checking += 1
        const checked = verify(signed).catch(() => false)
        this.#inbound = this.#inbound.then(async () => {
          const genuine = await checked
          this.#checking -= 1
          if (genuine === false) this.#deps.forged()
          else this.#arrived(frame, genuine === true)
        })
        return
      }
      case 'react':
      case 'unsend': {
        if (!takeToken(this.#incoming, partnerFrameLimit, performance.now())) return this.#tooFast()
        return this.#inOrder(() => this.changes.partnerChanged(frame))
      }
      case 'ack': {
        this.#outbox.settle(frame.id)
        const index = this.#conversation.delivered(frame.id)
        if (index < 0 && this.#unshown.some((message) => message.id === frame.id)) this.#earlyAcks.add(frame.id)
        if (index < 0) return
        const shown = this.list[index]
        if (shown) this.list = this.list.with(index, { ...shown, status: 'delivered' })
        this.#deps.save(this.#conversation.record, index)
        return
      }
      case 'typing': {
        if (!takeToken(this.#typingSignals, partnerFrameLimit, performance.now())) return
        // After the messages before it are shown (showing one ends the partner's typing).
        this.#inOrder(() => this.#setPartnerTyping(frame.on))
      }
    }
  }

  /** Now when nothing is being checked, else after the partner's frames still being checked. */
  #inOrder(task: () => void): void {
    if (this.#checking === 0) task()
    else this.#inbound = this.#inbound.then(task)
  }

  #arrived(frame: MessageFrame | OfferFrame | Extract<Frame, { t: 'edit' }>, proven: boolean): void {
    if (frame.t === 'edit') return this.changes.partnerEdited(frame, proven)
    if (frame.t === 'msg') return this.#show(frame, proven)
    const { id, mime, bytes, width, height } = frame
    this.#showReceived(id, '', { image: { mime, bytes, width, height, status: 'offered' } })
  }

  /** A partner's message, checked: shown once, acked, saved (`proven`: with its signature, for a report). */
  #show(frame: MessageFrame, proven: boolean): void {
    const text = tidyMessage(frame.text)
    if (text.length === 0) return // whitespace only: nothing to show
    const proof = proven ? proofOf(frame, text) : undefined
    this.#showReceived(frame.id, text, { ...(proof && { proof }), ...(frame.replyTo && { replyTo: frame.replyTo }) })
  }

  #showReceived(id: string, text: string, extras: MessageExtras): void {
    const message = this.#conversation.received(id, text, Date.now(), extras)
    // Sent again (a path changed before our ack reached them): shown once, acked again.
    if (!message && this.#conversation.isResent(id, text)) this.#deps.send({ t: 'ack', id })
    if (!message) return
    this.#setPartnerTyping(false)
    this.list = [...this.list, message]
    this.#deps.heard?.(message)
    // Acked after the list updates (next task): the render is the hot path, and "delivered" means shown.
    // Even if the chat ends meanwhile: the message was shown, and a closing link still carries it.
    setTimeout(() => this.#deps.send({ t: 'ack', id }), 0)
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
