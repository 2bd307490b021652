// Partner messages the user has not seen: in a background tab, or while History covers the chat.
import { describe, expect, it } from 'vitest'
import { historyToggleText, titleFor, UnreadCounter } from '../../app/src/lib/chat/unread.svelte.ts'
import type { StoredMessage } from '../../app/src/lib/history/record.ts'
import { message } from '../support/fake-session.svelte.ts'

/** A document whose visibility the test sets. */
function page() {
  const listeners: (() => void)[] = []
  const doc = {
    visibilityState: 'visible' as DocumentVisibilityState,
    addEventListener: (_: string, listener: () => void) => listeners.push(listener),
  }
  const setVisible = (visible: boolean) => {
    doc.visibilityState = visible ? 'visible' : 'hidden'
    for (const listener of listeners) listener()
  }
  return { doc: doc as unknown as Document, setVisible }
}

describe('UnreadCounter', () => {
  it('counts the partner’s messages that arrive while History covers the chat, and clears on return', () => {
    const { doc } = page()
    const unread = new UnreadCounter(doc)
    let list: StoredMessage[] = [message('them', 'seen')]
    unread.update(list)
    unread.cover(true)
    list = [...list, message('them', 'one'), message('me', 'mine'), message('them', 'two')]
    unread.update(list)
    expect(unread.count).toBe(2)
    unread.cover(false)
    expect(unread.count).toBe(0)
  })

  it('counts in a hidden tab as before, and keeps the count while History still covers the chat', () => {
    const { doc, setVisible } = page()
    const unread = new UnreadCounter(doc)
    setVisible(false)
    unread.cover(true)
    unread.update([message('them', 'while away')])
    expect(titleFor(unread.count)).toBe('(1) Hush')
    setVisible(true)
    expect(unread.count).toBe(1) // still behind History
    unread.cover(false)
    expect(unread.count).toBe(0)
  })

  it('counts nothing while the chat is in view', () => {
    const { doc } = page()
    const unread = new UnreadCounter(doc)
    unread.update([message('them', 'read at once')])
    expect(unread.count).toBe(0)
  })
})

describe('the History toggle', () => {
  it('says "Back to chat" only when a chat is going on, with the unread count on the way back', () => {
    expect(historyToggleText(false, false, 0)).toEqual({ text: 'History' })
    expect(historyToggleText(true, false, 0)).toEqual({ text: 'Back' })
    expect(historyToggleText(true, true, 0)).toEqual({ text: 'Back to chat' })
    expect(historyToggleText(true, true, 2)).toEqual({
      text: 'Back to chat (2)',
      label: 'Back to chat, 2 unread messages',
    })
    expect(historyToggleText(true, false, 1).text).toBe('Back (1)')
    // Closed, the count is the tab title's business: the toggle leads to History, not to the messages.
    expect(historyToggleText(false, true, 3)).toEqual({ text: 'History' })
  })
})
