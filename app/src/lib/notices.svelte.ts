// The notices the user sees and the polite announcement screen readers speak: one of each kind at a
// time (partner news piles up), at most four, every new one also announced, a repeat included.
export type NoticeKind = 'partner' | 'offline' | 'crypto' | 'flood' | 'history' | 'unsaved' | 'error' | 'update'

/** A sentence, or how to say it: a function is asked again on each render, so it follows a language switch. */
export type Wording = string | (() => string)

export class Notice {
  readonly id: number
  readonly kind: NoticeKind
  readonly #wording: Wording

  constructor(id: number, kind: NoticeKind, wording: Wording) {
    this.id = id
    this.kind = kind
    this.#wording = wording
  }

  get text(): string {
    return typeof this.#wording === 'function' ? this.#wording() : this.#wording
  }
}

const maxNotices = 4

export class NoticeBoard {
  items = $state<Notice[]>([])
  /** Read by a polite live region: state changes, spoken once. */
  announcement = $state('')
  #nextId = 0
  #said = 0

  notify(kind: NoticeKind, wording: Wording): void {
    const kept = this.items.filter((n) => n.kind !== kind || kind === 'partner').slice(-(maxNotices - 1))
    const notice = new Notice(++this.#nextId, kind, wording)
    this.items = [...kept, notice]
    this.say(notice.text)
  }

  say(text: string): void {
    // Every other one ends in a no-break space: a repeat (a second Skip) still changes the region's text, and a
    // screen reader speaks only a change.
    this.announcement = ++this.#said % 2 === 0 ? `${text}\u00a0` : text
  }

  dismiss(id: number): void {
    this.items = this.items.filter((notice) => notice.id !== id)
  }

  /** Drops the notices of kinds that belong to one chat. */
  clear(...kinds: NoticeKind[]): void {
    this.items = this.items.filter((notice) => !kinds.includes(notice.kind))
  }
}
