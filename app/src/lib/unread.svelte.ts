// Partner messages that arrived while this tab was in the background, counted in the tab title
// ("(2) Hush") so a person who switched tabs sees the stranger wrote; cleared on return.
import { untrack } from 'svelte'
import type { StoredMessage } from './history.ts'

export const titleFor = (unread: number, base = 'Hush'): string => (unread > 0 ? `(${unread}) ${base}` : base)

export class UnreadCounter {
  count = $state(0)
  /** How many messages of the current chat have been looked at by this counter. */
  #known = 0
  readonly #doc: Document

  constructor(doc: Document = document) {
    this.#doc = doc
    doc.addEventListener('visibilitychange', () => {
      if (doc.visibilityState === 'visible') this.count = 0
    })
  }

  /** Called with the chat's messages whenever they change; a shorter list is a new chat. */
  update(messages: readonly StoredMessage[]): void {
    const start = messages.length >= this.#known ? this.#known : 0
    this.#known = messages.length
    if (this.#doc.visibilityState !== 'hidden') return
    let fresh = 0
    for (let i = start; i < messages.length; i++) if (messages[i]?.from === 'them') fresh++
    if (fresh > 0) untrack(() => (this.count += fresh))
  }
}
