// Partner messages that arrived while the chat was out of sight: the tab in the background, or History
// open over it. Counted in the tab title ("(2) Hush") and on the way back ("Back to chat (2)"); cleared
// once the chat is in view again.
import { untrack } from 'svelte'
import { Arrivals } from './arrivals.ts'
import type { StoredMessage } from '../history/record.ts'
import { m } from '../i18n/language.svelte.ts'

export const titleFor = (unread: number, base = 'Hush'): string => (unread > 0 ? `(${unread}) ${base}` : base)

/** The History toggle: "Back to chat" only when there is a chat to go back to; the unread count on the way back. */
export function historyToggleText(open: boolean, inChat: boolean, unread: number): { text: string; label?: string } {
  const base = open ? (inChat ? m.history_toggle_back_to_chat() : m.history_toggle_back()) : m.history_toggle()
  if (!open || unread === 0) return { text: base }
  return { text: m.history_toggle_count({ base, count: unread }), label: m.unread_label({ base, count: unread }) }
}

export class UnreadCounter {
  count = $state(0)
  #arrivals = new Arrivals()
  /** Another view (History) covers the chat in the page. */
  #covered = false
  readonly #doc: Document

  constructor(doc: Document = document) {
    this.#doc = doc
    doc.addEventListener('visibilitychange', () => this.#clearIfSeen())
  }

  /** Called with the chat's messages whenever they change. */
  update(messages: readonly StoredMessage[]): void {
    const fresh = this.#arrivals.since(messages).length
    if (fresh > 0 && !this.#inView()) untrack(() => (this.count += fresh))
  }

  /** Whether another view (History) covers the chat; uncovering a visible tab clears the count. */
  cover(covered: boolean): void {
    this.#covered = covered
    this.#clearIfSeen()
  }

  #inView(): boolean {
    return this.#doc.visibilityState !== 'hidden' && !this.#covered
  }

  #clearIfSeen(): void {
    if (this.#inView()) untrack(() => (this.count = 0))
  }
}
