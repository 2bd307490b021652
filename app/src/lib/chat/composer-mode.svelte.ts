// What the composer is doing besides writing a new message: replying to one, or editing one of ours.
import type { StoredMessage } from '../history/record.ts'

export class ComposerMode {
  replyTo = $state.raw<StoredMessage | null>(null)
  editing = $state.raw<StoredMessage | null>(null)

  reply(message: StoredMessage): void {
    this.editing = null
    this.replyTo = message
  }

  edit(message: StoredMessage): void {
    this.replyTo = null
    this.editing = message
  }

  clear(): void {
    this.replyTo = null
    this.editing = null
  }
}
