// Changes to messages already sent: reactions, edits and deletions, ours as they leave and the
// partner's as they arrive, each checked against the rules (chat/message-rules.ts) on both sides.
import type { Frame, ReactionEmoji } from '../link/frames.ts'
import type { MessageProof, StoredMessage } from '../history/record.ts'
import { tidyMessage } from './message-text.ts'
import { acceptsEdit, canEdit, canReact, canUnsend, withEdit, withoutContent, withReaction } from './message-rules.ts'

type MessageFrame = Extract<Frame, { t: 'msg' }>
type EditFrame = Extract<Frame, { t: 'edit' }>
/** Idempotent, so sent again after a path change in case the old path lost it. */
type ChangeFrame = Extract<Frame, { t: 'react' | 'edit' | 'unsend' }>
/** The most recent changes kept for sending again. */
const changesKept = 50

/** What changes need of the conversation (chat/messages.svelte.ts). */
export interface ChangesHost {
  open(): boolean
  find(id: string): StoredMessage | undefined
  patch(id: string, change: (message: StoredMessage) => StoredMessage | null): StoredMessage | null
  /** Sends after every frame queued before it. */
  send(frame: ChangeFrame): void
  /** Queues a frame that needs a signature first, in order with everything else. */
  signed(signature: Promise<string>, leave: (sig: string | null) => void): void
  sign?: (message: Omit<MessageFrame, 't'>) => Promise<string>
  /** A message was unsent (by either side). */
  unsent(id: string): void
}

export class MessageChanges {
  readonly #host: ChangesHost
  /** Our latest change per kind and message. */
  // Bookkeeping only, never rendered: a plain Map on purpose.
  readonly #recent = new Map<string, ChangeFrame>()

  constructor(host: ChangesHost) {
    this.#host = host
  }

  /** Our reaction to a message (null takes it back): one per person per message. */
  react(id: string, emoji: ReactionEmoji | null): boolean {
    const message = this.#host.find(id)
    if (!this.#host.open() || !message || !canReact(message)) return false
    this.#send({ t: 'react', id, emoji })
    this.#host.patch(id, (m) => withReaction(m, 'me', emoji))
    return true
  }

  /** A new text for one of our messages, within the edit window, signed like a message. */
  edit(id: string, raw: string): boolean {
    const text = tidyMessage(raw)
    const message = this.#host.find(id)
    if (!this.#host.open() || !message || !canEdit(message, Date.now()) || text.length === 0) return false
    if (text === message.text) return true
    const editedAt = Date.now()
    const { sign } = this.#host
    if (!sign) this.#send({ t: 'edit', id, text, editedAt })
    else
      this.#host.signed(sign({ id, text, sentAt: editedAt }), (sig) => {
        if (sig !== null) this.#send({ t: 'edit', id, text, editedAt, sig })
      })
    this.#host.patch(id, (m) => withEdit(m, text, editedAt))
    return true
  }

  /** Takes one of our messages back: "Message deleted" on both sides, the text gone from both histories. */
  unsend(id: string): boolean {
    const message = this.#host.find(id)
    if (!this.#host.open() || !message || !canUnsend(message)) return false
    this.#send({ t: 'unsend', id })
    this.#host.patch(id, withoutContent)
    this.#host.unsent(id)
    return true
  }

  /** After a path change: our recent changes again, after the messages they change. */
  resend(): void {
    for (const frame of this.#recent.values()) this.#host.send(frame)
  }

  /** The partner's edit, its signature checked already (`proven`: kept as the proof for a report). */
  partnerEdited(frame: EditFrame, proven: boolean): void {
    const text = tidyMessage(frame.text)
    if (text.length === 0 || !acceptsEdit(this.#host.find(frame.id), Date.now())) return
    const proof = proven ? proofOf(editAsMessage(frame), text) : undefined
    this.#host.patch(frame.id, (m) => (m.text === text ? null : withEdit(m, text, frame.editedAt, proof)))
  }

  partnerChanged(frame: Extract<Frame, { t: 'react' | 'unsend' }>): void {
    const message = this.#host.find(frame.id)
    if (!message) return
    if (frame.t === 'react') {
      if (canReact(message)) this.#host.patch(frame.id, (m) => withReaction(m, 'them', frame.emoji))
      return
    }
    // Only the partner's own messages: one of ours is never theirs to take back.
    if (message.from !== 'them' || message.deleted) return
    this.#host.patch(frame.id, withoutContent)
    this.#host.unsent(frame.id)
  }

  #send(frame: ChangeFrame): void {
    const key = `${frame.t}:${frame.id}`
    this.#recent.delete(key) // the newest last, the oldest first out
    this.#recent.set(key, frame)
    if (this.#recent.size > changesKept) this.#recent.delete(this.#recent.keys().next().value ?? '')
    this.#host.send(frame)
  }
}

/** An edit is checked and reported as the message it makes: same id, the new text, signed at `editedAt`. */
export const editAsMessage = ({ id, text, editedAt, sig }: EditFrame): MessageFrame => ({
  t: 'msg',
  id,
  text,
  sentAt: editedAt,
  ...(sig !== undefined && { sig }),
})

/** What a report needs to prove a signed message (or edit): its signature, and the text as signed if it was tidied. */
export function proofOf(frame: MessageFrame, shown: string): MessageProof | undefined {
  if (frame.sig === undefined) return undefined
  return { sentAt: frame.sentAt, sig: frame.sig, ...(shown !== frame.text && { text: frame.text }) }
}
