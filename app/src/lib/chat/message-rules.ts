// What each person may do to a message once it is sent, and what the change leaves behind. Pure:
// the same rules check our own actions before they leave and the partner's when they arrive.
import type { ReactionEmoji } from '../link/frames.ts'
import type { MessageProof, StoredMessage } from '../history/record.ts'

/** How long after sending a message its sender may still edit it. */
export const editWindowMs = 15 * 60_000
/** The partner's edit may arrive a little later than their window closed: the path's delay, their clock. */
const editGraceMs = 60_000

/** Whether we may edit this message of ours now (text only, not unsent). */
export const canEdit = (message: StoredMessage, now: number): boolean =>
  message.from === 'me' && !message.deleted && !message.image && now - message.at <= editWindowMs

export const canUnsend = (message: StoredMessage): boolean => message.from === 'me' && !message.deleted

/** Whether an edit the partner sent may change this message: theirs, text, within the window (their arrival time). */
export const acceptsEdit = (message: StoredMessage | undefined, now: number): message is StoredMessage =>
  message !== undefined &&
  message.from === 'them' &&
  !message.deleted &&
  !message.image &&
  now - message.at <= editWindowMs + editGraceMs

export const canReact = (message: StoredMessage): boolean => !message.deleted

/** The reaction a click leaves: choosing the one already there takes it back. */
export const nextReaction = (current: ReactionEmoji | undefined, chosen: ReactionEmoji): ReactionEmoji | null =>
  current === chosen ? null : chosen

export function withReaction(message: StoredMessage, who: 'me' | 'them', emoji: ReactionEmoji | null): StoredMessage {
  const { [who]: _previous, ...others } = message.reactions ?? {}
  const reactions = emoji === null ? others : { ...others, [who]: emoji }
  const { reactions: _old, ...rest } = message
  return Object.keys(reactions).length > 0 ? { ...rest, reactions } : rest
}

/** The message with its new text; a partner's keeps the edit's proof (a report proves what was shown). */
export function withEdit(message: StoredMessage, text: string, editedAt: number, proof?: MessageProof): StoredMessage {
  const { proof: _old, ...rest } = message
  return { ...rest, text, editedAt, ...(proof && { proof }) }
}

/** What stays of an unsent message: that there was one, when, and from whom; no text, picture or proof. */
export function withoutContent(message: StoredMessage): StoredMessage {
  const { id, from, at, status, replyTo } = message
  return { id, from, at, status, text: '', deleted: true, ...(replyTo !== undefined && { replyTo }) }
}
