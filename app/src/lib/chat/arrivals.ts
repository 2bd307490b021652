// Which of the partner's messages are new since the last look at a chat's list (for the unread count and
// the screen-reader announcement): a list that got shorter belongs to a new chat.
import type { StoredMessage } from '../history/record.ts'

export class Arrivals {
  /** How many messages of the current chat have been looked at. */
  #known = 0

  /** The partner's messages appended since the previous call. */
  since(messages: readonly StoredMessage[]): StoredMessage[] {
    const start = messages.length >= this.#known ? this.#known : 0
    this.#known = messages.length
    const fresh: StoredMessage[] = []
    for (let i = start; i < messages.length; i++) {
      const message = messages[i]
      if (message?.from === 'them') fresh.push(message)
    }
    return fresh
  }
}
