// Notifications and sound for a tab in the background: when they come, what they say, how often, and
// the permission asked only on the person's click. The browser's parts (document, Notification, the
// chime, focus, the clock) are given to the class, so every case runs in happy-dom.
import { beforeEach, describe, expect, it } from 'vitest'
import { alertGapMs, Attention, type AttentionEnv } from '../../app/src/lib/attention/attention.svelte.ts'
import { message } from '../support/fake-session.svelte.ts'

interface Shown {
  title: string
  options: NotificationOptions & { renotify?: boolean }
  closed: boolean
  onclick: (() => void) | null
}

function browser(permission: NotificationPermission = 'granted', answer: NotificationPermission = 'granted') {
  const listeners: (() => void)[] = []
  const doc = {
    visibilityState: 'visible' as DocumentVisibilityState,
    addEventListener: (_: string, listener: () => void) => listeners.push(listener),
  }
  const shown: Shown[] = []
  const calls = { chimes: 0, focus: 0, asked: 0 }
  let clock = 0
  class FakeNotification {
    static permission = permission
    static async requestPermission() {
      calls.asked += 1
      FakeNotification.permission = answer
      return answer
    }
    readonly entry: Shown
    constructor(title: string, options: NotificationOptions) {
      this.entry = { title, options, closed: false, onclick: null }
      shown.push(this.entry)
    }
    set onclick(handler: () => void) {
      this.entry.onclick = handler
    }
    close() {
      this.entry.closed = true
    }
  }
  const env: Partial<AttentionEnv> = {
    doc: doc as unknown as Document,
    Notification: FakeNotification as unknown as typeof Notification,
    chime: () => void (calls.chimes += 1),
    focus: () => void (calls.focus += 1),
    now: () => clock,
  }
  const setHidden = (hidden: boolean) => {
    doc.visibilityState = hidden ? 'hidden' : 'visible'
    for (const listener of listeners) listener()
  }
  const wait = (ms: number) => void (clock += ms)
  return { env, shown, calls, setHidden, wait }
}

/** Someone who turned notifications on earlier, in a browser that allows them. */
function notifying(permission: NotificationPermission = 'granted') {
  localStorage.setItem('hush.notify', '1')
  const page = browser(permission)
  return { ...page, attention: new Attention(page.env) }
}

beforeEach(() => localStorage.clear())

describe('Attention', () => {
  it('is quiet while the tab is in view', () => {
    const { attention, shown, calls } = notifying()
    attention.matched('Bold Lynx')
    attention.heard('Bold Lynx', message('them', 'hi'))
    expect(shown).toEqual([])
    expect(calls.chimes).toBe(0)
  })

  it('in the background: a match, then messages counted in one notification, never their text', () => {
    const { attention, shown, calls, setHidden, wait } = notifying()
    setHidden(true)
    attention.matched('Bold Lynx')
    wait(alertGapMs)
    attention.heard('Bold Lynx', message('them', 'my secret'))
    attention.heard('Bold Lynx', message('them', 'another'))
    expect(shown.map((n) => n.title)).toEqual([
      'Matched with Bold Lynx',
      'Bold Lynx sent a message',
      'Bold Lynx sent 2 messages',
    ])
    expect(shown.every((n) => n.options.tag === 'hush' && n.options.body === undefined)).toBe(true)
    expect(JSON.stringify(shown)).not.toContain('secret')
    // A burst alerts (and chimes) once; the rest replace the notification quietly.
    expect(shown.map((n) => n.options.renotify)).toEqual([true, true, false])
    expect(calls.chimes).toBe(2)
    wait(alertGapMs)
    attention.heard('Bold Lynx', message('them', 'later'))
    expect(shown.at(-1)?.options.renotify).toBe(true)
    expect(calls.chimes).toBe(3)
  })

  it('shows the text with preview on', () => {
    const { attention, shown, setHidden } = notifying()
    attention.setPreview(true)
    setHidden(true)
    attention.heard('Bold Lynx', message('them', 'hello there'))
    expect(shown[0]).toMatchObject({ title: 'Bold Lynx', options: { body: 'hello there', tag: 'hush' } })
    expect(localStorage.getItem('hush.notifyPreview')).toBe('1')
  })

  it('closes its notification and counts afresh once the tab is back in view', () => {
    const { attention, shown, setHidden } = notifying()
    setHidden(true)
    attention.heard('Bold Lynx', message('them', 'one'))
    setHidden(false)
    expect(shown[0]?.closed).toBe(true)
    setHidden(true)
    attention.heard('Bold Lynx', message('them', 'two'))
    expect(shown[1]?.title).toBe('Bold Lynx sent a message')
  })

  it('focuses the tab and closes the notification when it is clicked', () => {
    const { attention, shown, calls, setHidden } = notifying()
    setHidden(true)
    attention.matched('Bold Lynx')
    shown[0]?.onclick?.()
    expect(calls.focus).toBe(1)
    expect(shown[0]?.closed).toBe(true)
  })

  it('chimes without notifications, and notifies without sound, as set', () => {
    const page = browser('default')
    const attention = new Attention(page.env)
    page.setHidden(true)
    attention.matched('Bold Lynx')
    expect(page.shown).toEqual([])
    expect(page.calls.chimes).toBe(1)

    const other = notifying()
    other.attention.setSound(false)
    other.setHidden(true)
    other.attention.matched('Bold Lynx')
    expect(other.shown).toHaveLength(1)
    expect(other.calls.chimes).toBe(0)
    expect(localStorage.getItem('hush.sound')).toBe('0')
  })

  it('asks the browser only when turned on without permission, and remembers the choice', async () => {
    const page = browser('default', 'granted')
    const attention = new Attention(page.env)
    expect(page.calls.asked).toBe(0)
    expect(attention.notifying).toBe(false)
    await attention.setNotify(true)
    expect(page.calls.asked).toBe(1)
    expect(attention.notifying).toBe(true)
    expect(localStorage.getItem('hush.notify')).toBe('1')
    await attention.setNotify(false)
    await attention.setNotify(true)
    expect(page.calls.asked).toBe(1) // granted already
  })

  it('stays off when the browser refuses, with the refusal known', async () => {
    const page = browser('default', 'denied')
    const attention = new Attention(page.env)
    await attention.setNotify(true)
    expect(attention.permission).toBe('denied')
    expect(attention.notify).toBe(false)
    expect(localStorage.getItem('hush.notify')).toBe('0')
  })

  it('knows a browser without notifications', async () => {
    const attention = new Attention({ ...browser().env, Notification: null })
    expect(attention.permission).toBe('unsupported')
    await attention.setNotify(true)
    expect(attention.notifying).toBe(false)
  })

  it('preview and sound default to off and on', () => {
    const attention = new Attention(browser().env)
    expect([attention.notify, attention.preview, attention.sound]).toEqual([false, false, true])
  })
})
