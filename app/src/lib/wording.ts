// Every sentence the app says to the person, keyed by typed unions. The sentences themselves live in the
// catalogues (i18n/messages/<locale>.json, read through `m`); here they are picked and filled in. Each
// function reads the current language when called, so text built in a template follows a switch.
import type { ErrorCode, ReportReason } from '#protocol'
import type { ChatEnd } from './chat/active-chat.svelte.ts'
import type { ImageProblem } from './chat/image-encode.ts'
import { language, m } from './i18n/language.svelte.ts'
import type { LinkPath } from './link/chat-link.ts'
import { silenceLimitMs } from './link/heartbeat.ts'
import type { RefusalCode } from './matchmaking/refusal.ts'

/** Said by the polite live region as the flow moves on. */
export type FlowNews = 'searching' | 'cancelled' | 'skipped' | 'you-left' | 'lost-server-connecting'

export function flowNewsText(news: FlowNews): string {
  return {
    searching: m.flow_searching,
    cancelled: m.flow_cancelled,
    skipped: m.flow_skipped,
    'you-left': m.flow_you_left,
    'lost-server-connecting': m.flow_lost_server_connecting,
  }[news]()
}

/** "chess, music and films": how a list of interests reads in a sentence, in the interface language. */
export const interestList = (tags: readonly string[]): string => language.list.format(tags)

/** What the lobby says while searching (`scope`: what the search asks for now). */
export function searchingText(scope: { interests: readonly string[]; strict: boolean; opened: boolean }): string {
  if (scope.interests.length === 0) return m.searching_anyone()
  const interests = interestList(scope.interests)
  if (scope.strict) return m.searching_strict({ interests })
  if (scope.opened) return m.searching_opened({ interests })
  return m.searching_interests({ interests })
}

/** Why a typed interest stayed in the box instead of becoming a chip. */
export function interestRefusalText(outcome: 'invalid' | 'full', max: number): string {
  return outcome === 'full' ? m.interest_full({ count: max }) : m.interest_invalid()
}

export const searchOpenedText = (): string => m.search_opened()

/** The chat header's line about what the two share (`common-interests`). */
export const commonText = (tags: readonly string[]): string => m.common({ interests: interestList(tags) })

export const matchedText = (name: string): string => m.matched({ name })

export const securedText = (name: string): string => m.secured({ name })

/** Where the person was when the matchmaking server went away: it decides what still works. */
export type OfflineMoment = 'connecting' | 'chatting' | 'chatting-via-server' | 'elsewhere'

export function offlineText(moment: OfflineMoment): string {
  return {
    connecting: m.offline_connecting,
    chatting: m.offline_chatting,
    'chatting-via-server': m.offline_chatting_via_server,
    elsewhere: m.offline_elsewhere,
  }[moment]()
}

/** The path the chat takes now, as the chat header names it (`link-path`). */
export function pathLabel(path: LinkPath): string {
  return { direct: m.path_direct, turn: m.path_turn, server: m.path_server, none: m.path_none }[path]()
}

/** What the path means for privacy, in one line; `hidingIp`: the person asked to hide their address. */
export function pathPrivacyText(path: LinkPath, hidingIp: boolean): string {
  const address = hidingIp ? m.privacy_hidden() : m.privacy_exposed()
  if (path === 'none') return address
  return { direct: m.privacy_direct, turn: m.privacy_turn, server: m.privacy_server }[path]({ address })
}

/** The "Hide my IP address" switch explains what it does on this server. */
export function hideIpHint(can: boolean, hiding: boolean, turn: boolean): string {
  if (!can) return m.hide_ip_unavailable()
  if (!hiding) return m.hide_ip_off()
  return turn ? m.hide_ip_turn() : m.hide_ip_server()
}

/** What the server's error codes mean to a person; the server's own message is for logs and developers. */
function errorMeaning(code: ErrorCode): string {
  return {
    'bad-payload': m.error_bad_payload,
    'not-paired': m.error_not_paired,
    'already-chatting': m.error_already_chatting,
    'not-searching': m.error_not_searching,
    'rate-limited': m.error_rate_limited,
    'too-many-connections': m.error_too_many_connections,
    'origin-refused': m.error_origin_refused,
    unavailable: m.error_unavailable,
    internal: m.error_internal,
    'relay-off': m.error_relay_off,
    'bad-evidence': m.error_bad_evidence,
    banned: m.error_banned,
    'pow-required': m.error_pow_required,
    'too-late': m.error_too_late,
  }[code]()
}

/** The reasons a report can give, in the order the dialog offers them. */
export const reportReasons: readonly ReportReason[] = ['harassment', 'sexual', 'minor', 'spam', 'other']

export function reportReasonText(reason: ReportReason): string {
  return {
    harassment: m.reason_harassment,
    sexual: m.reason_sexual,
    minor: m.reason_minor,
    spam: m.reason_spam,
    other: m.reason_other,
  }[reason]()
}

/** Why a report or block did not go through, for the person who sent it. */
export function safetyRefusalText(code: ErrorCode | 'offline' | 'no-answer'): string {
  if (code === 'offline') return m.safety_offline()
  if (code === 'no-answer') return m.safety_no_answer()
  if (code === 'not-paired') return m.safety_not_paired()
  if (code === 'rate-limited') return m.safety_rate_limited()
  if (code === 'bad-payload') return m.safety_bad_payload()
  return m.safety_refused({ reason: errorMeaning(code) })
}

/** A search the server refused for good (the app retries what is only refused for now). */
export const searchFailedText = (code: ErrorCode): string => m.search_failed({ reason: errorMeaning(code) })

/** An error the server sent outside any request of ours. */
export const serverErrorText = (code: ErrorCode, bannedUntil: number | null = null): string =>
  code === 'banned' ? bannedText(bannedUntil) : m.server_error({ reason: errorMeaning(code) })

/** The line on the ended screen. */
export function chatEndText(end: ChatEnd): string {
  return {
    left: m.end_left,
    skipped: m.end_skipped,
    lost: m.end_lost,
    disconnected: m.end_disconnected,
    failed: m.end_failed,
    error: m.end_error,
    'you-left': m.end_you_left,
  }[end]()
}

export type PartnerGoneReason = 'left' | 'skipped' | 'lost' | 'disconnected'

/** Before the channel opened, "left the chat" would mislead: their connection may have failed. An empty `name`: not known yet. */
export function partnerGoneText(partnerName: string, reason: PartnerGoneReason, stillConnecting: boolean): string {
  const name = partnerName || m.some_stranger()
  if (stillConnecting && reason !== 'lost') return m.partner_gone_early({ name })
  if (reason === 'lost') return m.partner_lost({ name, seconds: silenceLimitMs / 1000 })
  return { left: m.partner_left, skipped: m.partner_skipped, disconnected: m.partner_disconnected }[reason]({ name })
}

/** Why a connection attempt failed, and what might help, given the relay situation. */
export function connectFailureText(relayOnly: boolean, relayOffered: boolean): string {
  if (relayOnly) return m.connect_relay_only()
  return relayOffered ? m.connect_relay_offered() : m.connect_no_relay()
}

/** The same, worded again on each render (a language switch) about the attempt as it was. */
export const connectFailure =
  (relayOnly: boolean, relayOffered: boolean): (() => string) =>
  () =>
    connectFailureText(relayOnly, relayOffered)

/** A partner (a modified client) sent messages faster than any person types. */
export const floodedText = (name: string): string => m.flooded({ name })

export const droppedFramesText = (): string => m.dropped_frames()

export function handshakeFailureText(reason: 'commitment-mismatch' | 'protocol-violation' | 'no-fingerprints'): string {
  if (reason === 'commitment-mismatch') return m.handshake_commitment()
  if (reason === 'no-fingerprints') return m.handshake_no_fingerprints()
  return m.handshake_failed()
}

/** A ban, with its end when the server said it. */
export const bannedText = (until: number | null): string => (until ? m.banned_until({ until }) : m.banned())

/** Why the matchmaking server turned this browser away; the app retries on its own with backoff. */
export function refusalText(code: RefusalCode, bannedUntil: number | null = null): string {
  if (code === 'banned') return bannedText(bannedUntil)
  return {
    'too-many-connections': m.refusal_too_many_connections,
    'rate-limited': m.refusal_rate_limited,
    unavailable: m.refusal_unavailable,
  }[code]()
}

export const historyUnavailableText = (): string => m.history_unavailable()

/** A history write failed (a full disk, a private mode's quota): said once; it is retried with backoff. */
export const historyWriteFailedText = (detail: string): string => m.history_write_failed({ detail })

/** The user deleted the chat that is going on from history: deleted means deleted, and they should know. */
export const historyStoppedText = (): string => m.history_stopped()

/** What a storage error says: its message, or its name (a DOMException may have no message). */
export const errorDetail = (error: unknown): string =>
  error instanceof Error ? error.message || error.name : String(error)

export type HistoryAction = 'read' | 'open' | 'delete' | 'delete-all'

/** A History action the browser's storage refused; the view stays usable, and trying again may work. */
export function historyActionFailedText(action: HistoryAction, error: unknown): string {
  return {
    read: m.history_read_failed,
    open: m.history_open_failed,
    delete: m.history_delete_failed,
    'delete-all': m.history_delete_all_failed,
  }[action]({ detail: errorDetail(error) })
}

// Rich chat: replies, reactions, edits, deletions and images.

export const deletedText = (): string => m.message_deleted()
export const editedText = (): string => m.message_edited()
export const imagePreviewText = (): string => m.image_preview()

/** "1.2 MB": an image's size as people read it, in the interface language. */
export function byteSize(bytes: number): string {
  const units = ['byte', 'kilobyte', 'megabyte'] as const
  const power = Math.min(2, Math.floor(Math.log(Math.max(bytes, 1)) / Math.log(1024)))
  const value = bytes / 1024 ** power
  return new Intl.NumberFormat(language.intlTag, {
    style: 'unit',
    unit: units[power],
    unitDisplay: 'short',
    maximumFractionDigits: power === 0 ? 0 : 1,
  }).format(value)
}

export const messageActionsLabel = (): string => m.message_actions()
export const reactLabel = (emoji: string): string => m.react_with({ emoji })
export const replyLabel = (): string => m.reply()
export const editLabel = (): string => m.edit()
export const unsendLabel = (): string => m.unsend()
/** Above the box while replying; `partnerName` null: the reply answers one's own message. */
export const replyingToText = (partnerName: string | null): string =>
  partnerName === null ? m.replying_to_you() : m.replying_to({ name: partnerName })
export const editingText = (): string => m.editing_message()
export const cancelReplyLabel = (): string => m.cancel_reply()
export const cancelEditLabel = (): string => m.cancel_edit()
export const saveEditLabel = (): string => m.save_edit()
export const dropImageText = (): string => m.drop_image()
export const showOriginalLabel = (): string => m.show_original()
/** A message's reactions read as one line; `mine`: the person's own, "from you". */
type ReactionPart = { emoji: string; mine: boolean; who: string }
const reactionText = ({ emoji, mine, who }: ReactionPart): string =>
  mine ? m.reaction_from_you({ emoji }) : m.reaction_from({ emoji, name: who })
export const reactionsLabel = (parts: readonly ReactionPart[]): string =>
  m.reactions_label({ reactions: interestList(parts.map(reactionText)) })
export const youTitle = (): string => m.you()

export const attachImageLabel = (): string => m.attach_image()
export const imageOfferText = (name: string, size: string, width: number, height: number): string =>
  m.image_offer({ name, size, width, height })
export const acceptImageLabel = (): string => m.image_accept()
export const declineImageLabel = (): string => m.image_decline()
export const imageWaitingText = (name: string): string => m.image_waiting({ name })
export const imageSendingText = (): string => m.image_sending()
export const imageReceivingText = (): string => m.image_receiving()
export const imageDeclinedText = (): string => m.image_declined()
export const imageMissedText = (): string => m.image_missed()
export const showImageLabel = (): string => m.image_show()
export const imageAltText = (name: string): string => m.image_alt({ name })
export const ownImageAltText = (): string => m.image_alt_own()

/** Why an image could not be sent (chat/image-encode.ts), or why not now. */
export type ImageSendProblem = ImageProblem | 'no-path'
export function imageProblemText(problem: ImageSendProblem): string {
  return {
    'not-image': m.image_not_image,
    'too-large-file': m.image_too_large_file,
    'too-large-image': m.image_too_large_image,
    'no-path': m.image_no_path,
  }[problem]()
}

// --- Installing, updating, notifications and sound (app/src/lib/pwa.ts, app/src/lib/attention/) ---

/** Shown once, on the first load of a new version (the service worker took it in the background). */
export const updatedText = (): string => m.updated()

export const notifyLabel = (): string => m.notify_label()
export const notifyPreviewLabel = (): string => m.notify_preview_label()
export const soundLabel = (): string => m.sound_label()

/** Under the notifications toggle: why it cannot be on, or what it does. */
export function notifyHint(permission: NotificationPermission | 'unsupported'): string {
  if (permission === 'unsupported') return m.notify_unsupported()
  return permission === 'denied' ? m.notify_denied() : m.notify_hint()
}

export const matchedNotificationTitle = (name: string): string => m.notification_matched({ name })

/** A partner's messages since the tab went to the background, in one notification. */
export const messagesNotificationTitle = (name: string, count: number): string =>
  m.notification_messages({ name, count })
