// A stand-in for Session that tests set by hand: the components read its fields and call its methods, and
// nothing else (no signaling, no peer), so a view can be put in any state in happy-dom.
import type { Limits, Presence } from '#protocol'
import { defaultLimits } from '#protocol'
import type { StoredMessage } from '../../app/src/lib/history/record.ts'
import { Search } from '../../app/src/lib/matchmaking/search.svelte.ts'
import { NoticeBoard } from '../../app/src/lib/notices.svelte.ts'
import { Attention } from '../../app/src/lib/attention/attention.svelte.ts'
import type { ChatEnd } from '../../app/src/lib/chat/active-chat.svelte.ts'
import type { ChatState, Session } from '../../app/src/lib/session.svelte.ts'

export class FakeSession {
  state = $state<ChatState>('idle')
  connected = $state(true)
  presence = $state<Presence>({ online: 2, searching: 0, chatting: 0, interests: [] })
  myName = $state('Calm Otter')
  limits = $state.raw<Limits>(defaultLimits)
  relayOffered = $state(true)
  hideIp = $state(true)
  partnerName = $state('')
  messages = $state.raw<StoredMessage[]>([])
  partnerTyping = $state(false)
  safetyCode = $state<string | null>(null)
  chatView = $state(false)
  path = $state<'direct' | 'turn' | 'server' | 'none'>('none')
  serverRelay = $state(false)
  endReason = $state<ChatEnd | null>(null)
  common = $state.raw<readonly string[]>([])
  readonly board = new NoticeBoard()
  readonly attention = new Attention()
  readonly search = new Search({
    limits: () => this.limits,
    signing: { signingKeys: async () => null, signingKeysMade: () => null },
    opened: () => {},
  })
  bannedUntil = $state<number | null>(null)
  chatId = $state<string | null>(null)
  readonly calls: string[] = []
  /** No live chat behind the fake: message actions and images have nothing to act on. */
  readonly shown = null

  get nameInChat(): string {
    return this.myName
  }

  get relayOnly(): boolean {
    return this.relayOffered && this.hideIp
  }

  get canHideIp(): boolean {
    return this.relayOffered || this.serverRelay
  }

  setHideIp(hide: boolean): void {
    this.hideIp = hide
  }

  start(): void {
    this.calls.push('start')
    this.state = 'searching'
  }

  cancel(): void {
    this.calls.push('cancel')
    this.state = 'idle'
  }

  skipToNext(): void {
    this.calls.push('skip')
    this.state = 'searching'
  }

  end(): void {
    this.calls.push('end')
    this.endReason = 'you-left'
    this.state = 'ended'
  }

  send(text: string): boolean {
    this.calls.push(`send:${text}`)
    return this.state === 'chatting'
  }

  typed(): void {}

  /** A chat on screen with this partner, as after the handshake. */
  chatting(partnerName = 'Bold Lynx'): void {
    this.partnerName = partnerName
    this.chatView = true
    this.safetyCode = '123 456 789 012'
    this.state = 'chatting'
  }

  /** The chat ends the way the session ends it. */
  ended(reason: ChatEnd): void {
    this.endReason = reason
    this.state = 'ended'
  }

  asSession(): Session {
    return this as unknown as Session
  }
}

let nextId = 0

export function message(
  from: 'me' | 'them',
  text: string,
  status: StoredMessage['status'] = 'received',
): StoredMessage {
  return { id: `m-${String(++nextId).padStart(6, '0')}`, from, text, at: 1_700_000_000_000, status }
}
