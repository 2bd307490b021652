import { describe, expect, it } from 'vitest'
import {
  acceptsEdit,
  canEdit,
  canUnsend,
  editWindowMs,
  nextReaction,
  withEdit,
  withoutContent,
  withReaction,
} from '../../app/src/lib/chat/message-rules.ts'
import type { StoredMessage } from '../../app/src/lib/history/record.ts'

const at = 1_000_000
const mine: StoredMessage = { id: 'm1-abcdefgh', from: 'me', text: 'hi', at, status: 'delivered' }
const theirs: StoredMessage = {
  id: 't1-abcdefgh',
  from: 'them',
  text: 'hello',
  at,
  status: 'received',
  proof: { sentAt: at, sig: 'x' },
}

describe('who may change a message, and when', () => {
  it('lets us edit only our own text messages, within 15 minutes', () => {
    expect(canEdit(mine, at + editWindowMs)).toBe(true)
    expect(canEdit(mine, at + editWindowMs + 1)).toBe(false)
    expect(canEdit(theirs, at)).toBe(false)
    expect(canEdit({ ...mine, deleted: true }, at)).toBe(false)
    const image = { mime: 'image/jpeg', bytes: 1, width: 1, height: 1, status: 'done' } as const
    expect(canEdit({ ...mine, image }, at)).toBe(false)
  })

  it('takes the partner’s edit only of their own messages, within the window and a minute of grace', () => {
    expect(acceptsEdit(theirs, at + editWindowMs + 59_000)).toBe(true)
    expect(acceptsEdit(theirs, at + editWindowMs + 61_000)).toBe(false)
    expect(acceptsEdit(mine, at)).toBe(false)
    expect(acceptsEdit(undefined, at)).toBe(false)
    expect(acceptsEdit({ ...theirs, deleted: true }, at)).toBe(false)
  })

  it('lets us unsend only our own messages, once', () => {
    expect(canUnsend(mine)).toBe(true)
    expect(canUnsend(theirs)).toBe(false)
    expect(canUnsend({ ...mine, deleted: true })).toBe(false)
  })
})

describe('what a change leaves', () => {
  it('keeps one reaction per person: a second choice replaces it, the same one takes it back', () => {
    expect(nextReaction(undefined, '👍')).toBe('👍')
    expect(nextReaction('👍', '❤️')).toBe('❤️')
    expect(nextReaction('❤️', '❤️')).toBeNull()
    const both = withReaction(withReaction(mine, 'me', '👍'), 'them', '😂')
    expect(both.reactions).toEqual({ me: '👍', them: '😂' })
    expect(withReaction(both, 'me', '❤️').reactions).toEqual({ me: '❤️', them: '😂' })
    expect(withReaction(withReaction(both, 'me', null), 'them', null)).not.toHaveProperty('reactions')
  })

  it('marks an edit, and replaces the proof with the edit’s own', () => {
    const edited = withEdit(theirs, 'hello!', at + 5, { sentAt: at + 5, sig: 'y' })
    expect(edited).toMatchObject({ text: 'hello!', editedAt: at + 5, proof: { sentAt: at + 5, sig: 'y' } })
    expect(withEdit(theirs, 'hello!', at + 5)).not.toHaveProperty('proof')
  })

  it('unsending leaves no text, picture, proof or reaction: only that there was a message', () => {
    const image = { mime: 'image/jpeg', bytes: 1, width: 1, height: 1, status: 'done', blob: new Blob(['x']) } as const
    const gone = withoutContent({ ...theirs, image, reactions: { me: '👍' }, editedAt: at, replyTo: 'r1-abcdefgh' })
    expect(gone).toEqual({
      id: theirs.id,
      from: 'them',
      at,
      status: 'received',
      text: '',
      deleted: true,
      replyTo: 'r1-abcdefgh',
    })
  })
})
