import { describe, expect, it } from 'vitest'
import { Conversation } from '../../app/src/lib/chat/conversation.ts'
import { connectFailureText, partnerGoneText } from '../../app/src/lib/wording.ts'

const newConversation = () =>
  new Conversation({ chatId: 'c1', myName: 'Me', partnerName: 'You', startedAt: 0, endedAt: null, messages: [] })

describe('Conversation', () => {
  it('records sent messages as sending, then delivered once, keeping copies in the record', () => {
    const conversation = newConversation()
    const shown = conversation.sent('m1', 'hello', 10)
    expect(shown).toEqual({ id: 'm1', from: 'me', text: 'hello', at: 10, status: 'sending' })
    conversation.received('t1', 'hi', 11)
    conversation.sent('m2', 'there', 12)
    expect(conversation.delivered('m2')).toBe(2) // its index: the history writes from there
    expect(conversation.delivered('m1')).toBe(0)
    expect(conversation.delivered('m1')).toBe(-1)
    expect(conversation.delivered('unknown')).toBe(-1)
    expect(conversation.record.messages.map((m) => m.status)).toEqual(['delivered', 'received', 'delivered'])
    expect(conversation.record.messages[0]).toEqual({ ...shown, status: 'delivered' })
    expect(shown.status).toBe('sending') // the rendered object is not mutated behind the UI's back
  })

  it('drops a partner message whose id was already received', () => {
    const conversation = newConversation()
    expect(conversation.received('t1', 'hi', 5)?.status).toBe('received')
    expect(conversation.received('t1', 'hi again', 6)).toBeNull()
    expect(conversation.record.messages).toHaveLength(1)
  })

  it('refuses a partner message that reuses the id of one of ours (seen in our frames)', () => {
    const conversation = newConversation()
    conversation.sent('m1', 'hello', 5)
    expect(conversation.received('m1', 'I agree to send the money', 6)).toBeNull()
    expect(conversation.record.messages.map((m) => [m.from, m.id])).toEqual([['me', 'm1']])
  })

  it('never lets an ack for a partner message mark it delivered', () => {
    const conversation = newConversation()
    conversation.received('t1', 'hi', 5)
    expect(conversation.delivered('t1')).toBe(-1)
    expect(conversation.record.messages[0]?.status).toBe('received')
  })
})

describe('chat texts', () => {
  it('says a partner left before connecting rather than "left the chat" while still connecting', () => {
    expect(partnerGoneText('Otter', 'left', true)).toMatch(/before the connection was set up/)
    expect(partnerGoneText('Otter', 'left', false)).toBe('Otter left the chat.')
    expect(partnerGoneText('Otter', 'lost', true)).toMatch(/was lost \(no answer for 6 s\)/)
  })

  it('explains a failed connection by what the server offers', () => {
    expect(connectFailureText(true, true)).toMatch(/through the relay/)
    expect(connectFailureText(false, true)).toMatch(/Hide my IP address/)
    expect(connectFailureText(false, false)).toMatch(/offers no relay/)
  })
})
