// Getting the person back to a tab in the background: a notification for a match and for the partner's
// messages (their text only if they asked for it), and a short chime. Nothing while the tab is in view.
// The three settings are remembered in this browser; permission is asked only when the person clicks.
import type { StoredMessage } from '../history/record.ts'
import { readSetting, writeSetting } from '../settings.ts'
import * as words from '../wording.ts'
import { chime } from './chime.ts'

export type NotifyPermission = NotificationPermission | 'unsupported'

/** One tag for every notification: a burst of messages replaces one notification instead of stacking dozens. */
export const notificationTag = 'hush'
/** Sound and a fresh alert at most this often: a burst chimes once, a reply a few seconds later again. */
export const alertGapMs = 1_500

/** What the browser gives: replaced in unit tests. */
export interface AttentionEnv {
  doc: Document
  /** The page's Notification constructor; null where there is none. */
  Notification: typeof Notification | null
  chime(): void
  focus(): void
  now(): number
}

/** `renotify` (alert again when replacing a notification of the same tag) is not in TypeScript's DOM types yet. */
type AlertOptions = NotificationOptions & { renotify?: boolean }

export class Attention {
  /** What the person chose; notifications show only with the browser's permission too (`notifying`). */
  notify = $state(readSetting('notify', false))
  preview = $state(readSetting('notifyPreview', false))
  sound = $state(readSetting('sound', true))
  permission = $state<NotifyPermission>('unsupported')

  readonly #env: AttentionEnv
  #shown: Notification | null = null
  /** The partner's messages since the tab went out of view, for "… sent 3 messages". */
  #unseen = 0
  #lastAlert = -Infinity

  constructor(env: Partial<AttentionEnv> = {}) {
    this.#env = {
      doc: document,
      Notification: typeof Notification === 'function' ? Notification : null,
      chime,
      focus: () => window.focus(),
      now: () => performance.now(),
      ...env,
    }
    this.permission = this.#env.Notification?.permission ?? 'unsupported'
    this.#env.doc.addEventListener('visibilitychange', () => {
      if (this.#hidden()) return
      // Back in view: what they were told about is on screen now.
      this.#unseen = 0
      this.#shown?.close()
      this.#shown = null
    })
  }

  /** Whether a notification would show now (chosen, and allowed by the browser). */
  get notifying(): boolean {
    return this.notify && this.permission === 'granted'
  }

  /** The notifications toggle: turning it on asks the browser's permission, if not given yet. */
  async setNotify(on: boolean): Promise<void> {
    const api = this.#env.Notification
    if (on && api && api.permission !== 'granted') {
      this.permission = await api.requestPermission()
      on = this.permission === 'granted'
    } else if (api) {
      this.permission = api.permission
    }
    this.notify = on
    writeSetting('notify', on)
  }

  setPreview(on: boolean): void {
    this.preview = on
    writeSetting('notifyPreview', on)
  }

  setSound(on: boolean): void {
    this.sound = on
    writeSetting('sound', on)
  }

  /** A match was made. */
  matched(partnerName: string): void {
    if (!this.#hidden()) return
    this.#unseen = 0
    this.#alert(words.matchedNotificationTitle(partnerName), undefined)
  }

  /** A partner's message was shown. */
  heard(partnerName: string, message: StoredMessage): void {
    if (!this.#hidden()) return
    this.#unseen += 1
    const title = this.preview ? partnerName : words.messagesNotificationTitle(partnerName, this.#unseen)
    this.#alert(title, this.preview ? message.text : undefined)
  }

  #hidden(): boolean {
    return this.#env.doc.visibilityState === 'hidden'
  }

  #alert(title: string, body: string | undefined): void {
    const now = this.#env.now()
    const fresh = now - this.#lastAlert >= alertGapMs
    if (fresh) this.#lastAlert = now
    if (fresh && this.sound) this.#env.chime()
    if (this.notifying)
      this.#show(title, { tag: notificationTag, renotify: fresh, ...(body !== undefined && { body }) })
  }

  #show(title: string, options: AlertOptions): void {
    const api = this.#env.Notification
    if (!api) return
    try {
      const notification = new api(title, options)
      notification.onclick = () => {
        this.#env.focus()
        notification.close()
      }
      this.#shown = notification
    } catch {
      // Chrome on Android allows notifications only from a service worker: the chime still tells them.
    }
  }
}
