// One chat's messages as a ledger: our sent ones awaiting a delivery ack, the partner's deduplicated
// by id, and the history record kept in step (the record holds copies, never the rendered objects).
// No two messages of a chat share an id: the partner sees ours in the frames and may send one back.
import type { ChatRecord, StoredMessage } from '../history/record.ts'

/** What a new message carries besides who sent it, its id, text and time. */
export type MessageExtras = Pick<StoredMessage, 'proof' | 'replyTo' | 'image'>

export class Conversation {
  readonly record: ChatRecord
  // Bookkeeping only, never rendered: plain collections on purpose.
  /** Every id in the chat, ours and the partner's. */
  readonly #ids = new Set<string>()
  readonly #awaitingAck = new Set<string>()

  constructor(record: ChatRecord) {
    this.record = record
  }

  /** Records a message we sent; it shows as 'sending' until the partner acks it. */
  sent(id: string, text: string, at: number, extras: MessageExtras = {}): StoredMessage {
    const message: StoredMessage = { id, from: 'me', text, at, status: 'sending', ...extras }
    this.#awaitingAck.add(id)
    this.#ids.add(id)
    this.record.messages.push({ ...message })
    return message
  }

  /** Records a partner's message; null when its id is already in the chat (a replay, or one of our ids). */
  received(id: string, text: string, at: number, extras: MessageExtras = {}): StoredMessage | null {
    if (this.#ids.has(id)) return null
    this.#ids.add(id)
    const replyTo = extras.replyTo !== undefined && this.#ids.has(extras.replyTo) ? extras.replyTo : undefined
    const message: StoredMessage = { id, from: 'them', text, at, status: 'received', ...extras, replyTo }
    if (replyTo === undefined) delete message.replyTo // a reply to nothing we have is a plain message
    this.record.messages.push({ ...message })
    return message
  }

  /** Whether this is a partner's message we have, sent again (its path went away before our ack came back). */
  isResent(id: string, text: string): boolean {
    if (!this.#ids.has(id)) return false
    const known = this.find(id)
    // Edited or unsent since: the text differs, and it is still the same message.
    return known?.from === 'them' && (known.text === text || known.editedAt !== undefined || known.deleted === true)
  }

  /** The message with this id (ids are unique within a chat), newest first. */
  find(id: string): StoredMessage | undefined {
    return this.record.messages.findLast((m) => m.id === id)
  }

  /** Replaces the message with this id by `change`'s result (null: no change); its index, or -1. */
  change(id: string, change: (message: StoredMessage) => StoredMessage | null): number {
    const messages = this.record.messages
    const index = messages.findLastIndex((m) => m.id === id)
    const current = messages[index]
    const next = current ? change(current) : null
    if (!next) return -1
    messages[index] = { ...next }
    if (next.deleted) this.#awaitingAck.delete(id)
    return index
  }

  /** Marks our message delivered: its index in the record, or -1 when the id is unknown or already delivered. */
  delivered(id: string): number {
    if (!this.#awaitingAck.delete(id)) return -1
    // From the end: acks come for recent messages, and a long chat should not be scanned from its start.
    const messages = this.record.messages
    const index = messages.findLastIndex((m) => m.id === id && m.from === 'me')
    const stored = messages[index]
    if (stored) stored.status = 'delivered'
    return index
  }
}

/** The parts of a shown message that the conversation records besides id, text and time. */
export const extrasOf = ({ replyTo, image }: Partial<StoredMessage>): MessageExtras => ({
  ...(replyTo !== undefined && { replyTo }),
  ...(image && { image }),
})
