// One chat's messages as a ledger: our sent ones awaiting a delivery ack, the partner's deduplicated
// by id, and the history record kept in step (the record holds copies, never the rendered objects).
// No two messages of a chat share an id: the partner sees ours in the frames and may send one back.
import type { ChatRecord, MessageProof, StoredMessage } from '../history/record.ts'

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
  sent(id: string, text: string, at: number): StoredMessage {
    const message: StoredMessage = { id, from: 'me', text, at, status: 'sending' }
    this.#awaitingAck.add(id)
    this.#ids.add(id)
    this.record.messages.push({ ...message })
    return message
  }

  /** Records a partner's message; null when its id is already in the chat (a replay, or one of our ids). */
  received(id: string, text: string, at: number, proof?: MessageProof): StoredMessage | null {
    if (this.#ids.has(id)) return null
    this.#ids.add(id)
    const message: StoredMessage = { id, from: 'them', text, at, status: 'received', ...(proof && { proof }) }
    this.record.messages.push({ ...message })
    return message
  }

  /** Whether this is a partner's message we have, sent again as it was (its path went away before our ack came back). */
  isResent(id: string, text: string): boolean {
    if (!this.#ids.has(id)) return false
    return this.record.messages.findLast((m) => m.id === id && m.from === 'them')?.text === text
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
