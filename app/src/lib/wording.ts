// Every sentence the app says to the person, keyed by typed unions: one place for the wording, honest and specific.
import type { ErrorCode, ReportReason } from '#protocol'
import type { ChatEnd } from './chat/active-chat.svelte.ts'
import type { LinkPath } from './link/chat-link.ts'
import { silenceLimitMs } from './link/heartbeat.ts'
import type { RefusalCode } from './matchmaking/refusal.ts'

/** Said by the polite live region as the flow moves on. */
export type FlowNews = 'searching' | 'cancelled' | 'skipped' | 'you-left' | 'lost-server-connecting'

export const flowNewsText: Record<FlowNews, string> = {
  searching: 'Searching for a stranger…',
  cancelled: 'Search cancelled.',
  skipped: 'Skipped. Searching for the next stranger…',
  'you-left': 'You left the chat.',
  'lost-server-connecting': 'Lost the matchmaking server while connecting. Searching again once it is back…',
}

/** "chess, music and films": how a list of interests reads in a sentence. */
export const interestList = (tags: readonly string[]): string =>
  new Intl.ListFormat('en', { style: 'long', type: 'conjunction' }).format(tags)

/** What the lobby says while searching (`scope`: what the search asks for now). */
export function searchingText(scope: { interests: readonly string[]; strict: boolean; opened: boolean }): string {
  if (scope.interests.length === 0) return 'Looking for a stranger…'
  const into = interestList(scope.interests)
  if (scope.strict) return `Looking only for someone into ${into}…`
  if (scope.opened) return `Nobody into ${into} right now: looking for anyone…`
  return `Looking for someone into ${into}…`
}

/** Why a typed interest stayed in the box instead of becoming a chip. */
export function interestRefusalText(outcome: 'invalid' | 'full', max: number): string {
  if (outcome === 'full') return `That is ${max} interests, the most a search takes: remove one to add another.`
  return 'An interest is 1 to 32 letters, digits, spaces, - or _.'
}

export const searchOpenedText = 'Nobody shares your interests right now: the search is open to anyone.'

/** The chat header's line about what the two share (`common-interests`). */
export const commonText = (tags: readonly string[]): string => `You both like ${interestList(tags)}`

export const matchedText = (name: string): string => `Matched with ${name}. Securing connection…`

export const securedText = (name: string): string => `Connected with ${name}. Messages are end-to-end encrypted.`

/** Stands for the partner's name where none is known yet. */
export const someStranger = 'The stranger'

/** Where the person was when the matchmaking server went away: it decides what still works. */
export type OfflineMoment = 'connecting' | 'chatting' | 'chatting-via-server' | 'elsewhere'

export const offlineText: Record<OfflineMoment, string> = {
  connecting: 'Matchmaking server offline. That stranger is gone; reconnecting…',
  chatting: 'Matchmaking server offline. This chat goes on peer to peer; reconnecting in the background…',
  'chatting-via-server':
    'Matchmaking server offline. This chat goes through it: reconnecting, and it picks up where it was…',
  elsewhere: 'Matchmaking server offline. Reconnecting…',
}

/** The path the chat takes now, as the chat header names it (`link-path`). */
export const pathLabel: Record<LinkPath, string> = {
  direct: 'direct',
  turn: 'via TURN relay',
  server: 'via the server',
  none: 'connecting',
}

/** What the path means for privacy, in one line; `hidingIp`: the person asked to hide their address. */
export function pathPrivacyText(path: LinkPath, hidingIp: boolean): string {
  const address = hidingIp
    ? 'The stranger does not learn your IP address.'
    : 'The stranger’s browser can learn your IP address.'
  return {
    direct: `Peer to peer: nobody else carries the messages. ${address}`,
    turn: `Through a TURN relay, which passes only encrypted data. ${address}`,
    server: `Through the Hush server, which passes only encrypted data and sees its size and timing. ${address}`,
    none: address,
  }[path]
}

/** The "Hide my IP address" switch explains what it does on this server. */
export function hideIpHint(can: boolean, hiding: boolean, turn: boolean): string {
  if (!can) return 'Unavailable on this server (it offers no relay): your partner can see your IP address.'
  if (!hiding) return 'Direct connection: the stranger’s browser learns your IP address (and roughly where you are).'
  return turn
    ? 'Your chat goes through the server’s relay, so the stranger never sees your IP address.'
    : 'Your chat goes through the Hush server, end-to-end encrypted, so the stranger never sees your IP address.'
}

/** What the server's error codes mean to a person; the server's own message is for logs and developers. */
const errorMeaning: Record<ErrorCode, string> = {
  'bad-payload': 'this app sent a request the server did not understand (reloading the page may help)',
  'not-paired': 'that chat has already ended',
  'already-chatting': 'the server still counts you in your last chat',
  'not-searching': 'the search had already stopped',
  'rate-limited': 'too many requests in a short time; wait a moment and try again',
  'too-many-connections': 'too many Hush tabs or devices on your network are connected',
  'origin-refused': 'this server does not accept connections from this page’s address',
  unavailable: 'matchmaking is unavailable right now; try again in a moment',
  internal: 'the server had a problem; try again',
  'relay-off': 'this server does not relay chats',
  'bad-evidence': 'the messages in the report could not be confirmed as the stranger’s, so nothing was sent',
  banned: 'this network address is banned from Hush for a while after reports from several people',
  'pow-required': 'the check that you are not a bot could not be completed; try again',
  'too-late': 'that chat ended too long ago to report or block it',
}

/** The reasons a report can give, as the dialog offers them. */
export const reportReasonText: Record<ReportReason, string> = {
  harassment: 'Harassment, hate or threats',
  sexual: 'Unwanted sexual content',
  minor: 'Seems to be under 18',
  spam: 'Spam, a scam or a bot',
  other: 'Something else',
}

/** Why a report or block did not go through, for the person who sent it. */
export function safetyRefusalText(code: ErrorCode | 'offline' | 'no-answer'): string {
  if (code === 'offline') return 'Not sent: the server is offline. Try again once it is back.'
  if (code === 'no-answer') return 'Not sent: the server did not answer. Try again.'
  if (code === 'not-paired') return 'Not sent: the server does not know that chat with you (it may have restarted).'
  if (code === 'rate-limited') return 'Not sent: you have sent many reports lately. Try again later.'
  if (code === 'bad-payload') return 'Not sent: the server could not read it. Reloading the page may help.'
  return `Not sent: ${errorMeaning[code]}.`
}

/** A search the server refused for good (the app retries what is only refused for now). */
export const searchFailedText = (code: ErrorCode): string => `Could not search: ${errorMeaning[code]}.`

/** An error the server sent outside any request of ours. */
export const serverErrorText = (code: ErrorCode, bannedUntil: number | null = null): string =>
  code === 'banned' ? bannedText(bannedUntil) : `Server: ${errorMeaning[code]}.`

/** The line on the ended screen. */
export const chatEndText: Record<ChatEnd, string> = {
  left: 'The stranger left.',
  skipped: 'The stranger skipped to someone else.',
  lost: 'The connection was lost.',
  disconnected: 'The stranger disconnected.',
  failed: 'Could not connect to the stranger.',
  error: 'The chat ended because the connection could not be verified.',
  'you-left': 'You ended the chat.',
}

export type PartnerGoneReason = 'left' | 'skipped' | 'lost' | 'disconnected'

/** Before the channel opened, "left the chat" would mislead: their connection may have failed. */
export function partnerGoneText(name: string, reason: PartnerGoneReason, stillConnecting: boolean): string {
  if (stillConnecting && reason !== 'lost')
    return `${name} left before the connection was set up. Try the next stranger.`
  return {
    left: `${name} left the chat.`,
    skipped: `${name} skipped to the next stranger.`,
    lost: `Connection to ${name} was lost (no answer for ${silenceLimitMs / 1000} s).`,
    disconnected: `${name} disconnected.`,
  }[reason]
}

/** Why a connection attempt failed, and what might help, given the relay situation. */
export function connectFailureText(relayOnly: boolean, relayOffered: boolean): string {
  if (relayOnly) return 'Couldn’t connect through the relay. Try the next stranger.'
  if (relayOffered)
    return 'Couldn’t connect directly. Turning on “Hide my IP address” uses the relay, which works on more networks.'
  return 'Couldn’t connect: your network may block peer-to-peer and this server offers no relay. Try the next stranger.'
}

/** A partner (a modified client) sent messages faster than any person types. */
export const floodedText = (name: string): string =>
  `${name} is sending messages faster than anyone types; some were not shown. End the chat if this goes on.`

export const droppedFramesText =
  'Some data failed verification and was discarded (never shown). If this repeats, end the chat.'

export function handshakeFailureText(reason: 'commitment-mismatch' | 'protocol-violation' | 'no-fingerprints'): string {
  if (reason === 'commitment-mismatch')
    return 'The partner’s key did not match its commitment: the connection may be intercepted. Chat ended.'
  if (reason === 'no-fingerprints') return 'Could not read the connection’s certificate fingerprints. Chat ended.'
  return 'The secure handshake failed. Chat ended.'
}

/** Why the matchmaking server turned this browser away; the app retries on its own with backoff. */
/** A ban, with its end when the server said it. */
export function bannedText(until: number | null): string {
  const end = until
    ? ` until ${new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(until)}`
    : ''
  return `Your network is banned from this Hush server${end}, after several people reported messages from it.`
}

export function refusalText(code: RefusalCode, bannedUntil: number | null = null): string {
  if (code === 'banned') return bannedText(bannedUntil)
  return {
    'too-many-connections': 'Too many Hush tabs or devices on your network are connected. Retrying when one closes…',
    'rate-limited': 'Your network opened too many connections in the last minute. Retrying shortly…',
    unavailable: 'Matchmaking is unavailable right now. Retrying…',
  }[code]
}

export const historyUnavailableText = 'History is off: this browser refused local storage. The chat works as usual.'

/** A history write failed (a full disk, a private mode's quota): said once; it is retried with backoff. */
export const historyWriteFailedText = (detail: string): string =>
  `Couldn’t save this chat to history (${detail}). The chat goes on; saving is retried in the background.`

/** The user deleted the chat that is going on from history: deleted means deleted, and they should know. */
export const historyStoppedText =
  'You deleted this chat from history, so the rest of it won’t be saved. The chat goes on as usual.'

/** What a storage error says: its message, or its name (a DOMException may have no message). */
export const errorDetail = (error: unknown): string =>
  error instanceof Error ? error.message || error.name : String(error)

export type HistoryAction = 'read' | 'open' | 'delete' | 'delete-all'

/** A History action the browser's storage refused; the view stays usable, and trying again may work. */
export function historyActionFailedText(action: HistoryAction, error: unknown): string {
  const detail = errorDetail(error)
  return {
    read: `Couldn’t read the saved chats (${detail}).`,
    open: `Couldn’t open this chat (${detail}). Try again.`,
    delete: `Couldn’t delete this chat (${detail}). Try again.`,
    'delete-all': `Couldn’t delete the saved chats (${detail}). Try again.`,
  }[action]
}

// Rich chat: replies, reactions, edits, deletions and images.

export const deletedText = 'Message deleted'
export const editedText = 'edited'
export const imagePreviewText = 'Image'

/** "1.2 MB": an image's size as people read it. */
export function byteSize(bytes: number): string {
  const units = ['byte', 'kilobyte', 'megabyte'] as const
  const power = Math.min(2, Math.floor(Math.log(Math.max(bytes, 1)) / Math.log(1024)))
  const value = bytes / 1024 ** power
  return new Intl.NumberFormat(undefined, {
    style: 'unit',
    unit: units[power],
    unitDisplay: 'short',
    maximumFractionDigits: power === 0 ? 0 : 1,
  }).format(value)
}

export const messageActionsLabel = 'Message actions'
export const reactLabel = (emoji: string): string => `React with ${emoji}`
export const replyLabel = 'Reply'
export const editLabel = 'Edit'
export const unsendLabel = 'Unsend'
export const replyingToText = (name: string): string => `Replying to ${name}`
export const editingText = 'Editing your message (Esc cancels)'
export const cancelReplyLabel = 'Cancel reply'
export const cancelEditLabel = 'Cancel edit'
export const saveEditLabel = 'Save'
export const dropImageText = 'Drop an image to send it'
export const showOriginalLabel = 'Show the message this replies to'
export const reactionsLabel = (parts: readonly { emoji: string; who: string }[]): string =>
  `Reactions: ${interestList(parts.map(({ emoji, who }) => `${emoji} from ${who}`))}`
export const youText = 'you'
export const youTitle = 'You'

export const attachImageLabel = 'Send an image'
export const imageOfferText = (name: string, size: string, width: number, height: number): string =>
  `${name} wants to send you an image (${width} × ${height}, ${size}).`
export const acceptImageLabel = 'Accept'
export const declineImageLabel = 'Decline'
export const imageWaitingText = (name: string): string => `Waiting for ${name} to accept…`
export const imageSendingText = 'Sending image…'
export const imageReceivingText = 'Receiving image…'
export const imageDeclinedText = 'Not sent: the image was declined or the chat ended.'
export const imageMissedText = 'Image not received.'
export const showImageLabel = 'Show image (hidden until you choose to see it)'
export const imageAltText = (name: string): string => `Image from ${name}`
export const ownImageAltText = 'Image you sent'

/** Why an image could not be sent (chat/image-encode.ts), or why not now. */
export function imageProblemText(problem: 'not-image' | 'too-large-file' | 'too-large-image' | 'no-path'): string {
  return {
    'not-image': 'That file is not an image this browser can read.',
    'too-large-file': 'That file is over 50 MB: choose a smaller image.',
    'too-large-image': 'That image stays over 5 MB even made smaller: choose another.',
    'no-path':
      'Images need a direct connection, and this chat goes through the server, which does not carry images. Text still works.',
  }[problem]
}

// --- Installing, updating, notifications and sound (app/src/lib/pwa.ts, app/src/lib/attention/) ---

/** Shown once, on the first load of a new version (the service worker took it in the background). */
export const updatedText = 'Hush was updated to a new version.'

export const notifyLabel = 'Notify me when this tab is in the background'
export const notifyPreviewLabel = 'Show message text in notifications'
export const soundLabel = 'Play a sound when this tab is in the background'

/** Under the notifications toggle: why it cannot be on, or what it does. */
export function notifyHint(permission: NotificationPermission | 'unsupported'): string {
  if (permission === 'unsupported') return 'This browser cannot show notifications.'
  if (permission === 'denied')
    return 'Notifications are blocked for this site. Allow them in your browser’s site settings, then try again.'
  return 'A match and new messages, only while you are looking elsewhere.'
}

export const matchedNotificationTitle = (name: string): string => `Matched with ${name}`

/** A partner's messages since the tab went to the background, in one notification. */
export const messagesNotificationTitle = (name: string, count: number): string =>
  count === 1 ? `${name} sent a message` : `${name} sent ${count} messages`

// History search and import.
import type { ImportProblem } from './history/import-check.ts'

export const historySearchLabel = 'Search all saved chats'
export const historySearchPlaceholder = 'Search messages'

/** Said politely as results change: how many messages match, and how many are listed. */
export function historySearchStatusText(total: number, listed: number): string {
  if (total === 0) return 'No messages found.'
  const found = `${total} ${total === 1 ? 'message' : 'messages'} found`
  return listed < total ? `${found}, showing the newest ${listed}.` : `${found}.`
}

export const historySearchIndexingText = 'Reading your saved chats…'

export const historySearchFailedText = (detail: string): string =>
  `Couldn’t search the saved chats (${detail}). Try again.`

export const historySearchMoreText = (count: number): string => `Show ${count} more`

/** A saved chat opened at a search result shows the messages around it; this goes back to the end. */
export const historyLatestText = 'Show the latest messages'

export const historyImportLabel = 'Import chats from a JSON export'

const importWhere = (chat: number | null): string => (chat === null ? 'the chat' : `chat ${chat}`)

function importProblemText(problem: ImportProblem): string {
  switch (problem.kind) {
    case 'too-big':
      return `it is too big (${(problem.bytes / 1024 / 1024).toFixed(1)} MB; at most 50 MB)`
    case 'not-json':
      return `it is not valid JSON (${problem.detail})`
    case 'not-chats':
      return 'it holds neither a chat nor a list of chats'
    case 'no-chats':
      return 'its list of chats is empty'
    case 'field':
      return `${importWhere(problem.chat)} has no valid “${problem.field}”`
    case 'message':
      return `message ${problem.message} of ${importWhere(problem.chat)} is malformed`
    case 'repeated-message':
      return `message ${problem.message} of ${importWhere(problem.chat)} repeats an earlier message’s id`
    case 'repeated-chat':
      return `chat ${problem.chat} repeats an earlier chat’s id`
    case 'not-a-chat':
      return `${importWhere(problem.chat)} is not a chat record`
  }
}

export const historyImportRefusedText = (fileName: string, problem: ImportProblem): string =>
  `“${fileName}” can’t be imported: ${importProblemText(problem)}. Nothing was changed.`

export const historyImportFailedText = (fileName: string, error: unknown): string =>
  `Couldn’t import “${fileName}” (${errorDetail(error)}). Nothing was changed.`

export const historyImportOffText =
  'Importing needs “Keep history” on: while it is off, this browser saves no chats. Turn it on, then import again.'

export function historyImportDoneText(imported: number, present: number): string {
  const chats = (n: number) => `${n} ${n === 1 ? 'chat' : 'chats'}`
  if (imported === 0)
    return present === 1
      ? 'This chat is already in your history: nothing was imported.'
      : `All ${present} chats are already in your history: nothing was imported.`
  const already =
    present === 0
      ? ''
      : `; ${chats(present)} already in your history ${present === 1 ? 'was' : 'were'} left as ${present === 1 ? 'it is' : 'they are'}`
  return `Imported ${chats(imported)}${already}.`
}
