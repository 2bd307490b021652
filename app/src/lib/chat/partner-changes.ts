// What the partner changed between two versions of a chat's list (a reaction, an edit, a deletion):
// what a screen reader should hear. A change replaces one entry and keeps every other, so the scan
// compares entries by identity and stops at the first (from the end) that differs.
import type { ReactionEmoji } from '../link/frames.ts'
import type { StoredMessage } from '../history/record.ts'

export type PartnerChange =
  | { kind: 'reaction'; emoji: ReactionEmoji }
  | { kind: 'edit'; id: string; text: string }
  | { kind: 'unsend'; id: string }

export function partnerChange(before: readonly StoredMessage[], after: readonly StoredMessage[]): PartnerChange | null {
  if (before.length !== after.length) return null
  for (let i = after.length - 1; i >= 0; i--) {
    const was = before[i]
    const now = after[i]
    if (was === now || !was || !now) continue
    if (now.from === 'them' && now.deleted && !was.deleted) return { kind: 'unsend', id: now.id }
    if (now.from === 'them' && now.editedAt !== was.editedAt && !now.deleted)
      return { kind: 'edit', id: now.id, text: now.text }
    const emoji = now.reactions?.them
    if (emoji && emoji !== was.reactions?.them) return { kind: 'reaction', emoji }
    return null
  }
  return null
}
