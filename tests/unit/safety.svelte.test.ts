// Signed messages and what the person can do about a stranger: every message signed with a per-chat key,
// a forged one dropped, and a report that sends exactly the messages the person ticked, as signed.
import { flushSync } from 'svelte'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ReportRequest } from '#protocol'
import { signedMessageBytes } from '#protocol/message-signature.ts'
import Chat from '../../app/src/components/Chat.svelte'
import ReportDialog from '../../app/src/components/safety/ReportDialog.svelte'
import SafetyActions from '../../app/src/components/safety/SafetyActions.svelte'
import { ChatMessages } from '../../app/src/lib/chat/messages.svelte.ts'
import type { StoredMessage } from '../../app/src/lib/history/record.ts'
import type { Frame } from '../../app/src/lib/link/frames.ts'
import { makeSigningKeys, SignatureCheck, signMessage } from '../../app/src/lib/link/signing.ts'
import { banEnd } from '../../app/src/lib/matchmaking/refusal.ts'
import { evidenceOf, withinWindow, type Safety } from '../../app/src/lib/safety/safety.ts'
import { FakeSession } from '../support/fake-session.svelte.ts'
import { byTestId, cleanup, render } from '../support/render.ts'

afterEach(cleanup)

const message = { id: 'abcdefgh12', sentAt: 1_700_000_000_123, text: 'héllo 👋' }

describe('message signatures', () => {
  it('signs exactly the bytes the server checks, and verifies only the genuine message', async () => {
    const keys = await makeSigningKeys()
    expect(keys?.publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/)
    const sig = await signMessage(keys!.privateKey, 'chat-1', message)
    expect(sig).toMatch(/^[A-Za-z0-9+/]{86}==$/)
    expect(new TextDecoder().decode(signedMessageBytes('chat-1', message.id, message.sentAt, message.text))).toBe(
      `hush-msg-v1\nchat-1\nabcdefgh12\n1700000000123\nhéllo 👋`,
    )
    const check = new SignatureCheck('chat-1', keys!.publicKey)
    expect(await check.verify({ ...message, sig })).toBe(true)
    expect(await check.verify({ ...message, text: 'hello 👋', sig })).toBe(false)
    expect(await check.verify({ ...message, sentAt: message.sentAt + 1, sig })).toBe(false)
    expect(await check.verify({ ...message })).toBe(false)
    expect(await new SignatureCheck('chat-2', keys!.publicKey).verify({ ...message, sig })).toBe(false)
    const other = await makeSigningKeys()
    expect(await new SignatureCheck('chat-1', other!.publicKey).verify({ ...message, sig })).toBe(false)
    expect(await new SignatureCheck('chat-1', 'not a key').verify({ ...message, sig })).toBe(false)
  })
})

async function signedChat() {
  const ours = (await makeSigningKeys())!
  const theirs = (await makeSigningKeys())!
  const sent: Frame[] = []
  let forged = 0
  const check = new SignatureCheck('c1', theirs.publicKey)
  const messages = new ChatMessages(
    { chatId: 'c1', myName: 'Calm Otter', partnerName: 'Bold Lynx', startedAt: 0, endedAt: null },
    {
      send: (frame) => (sent.push(frame), true),
      canSend: () => true,
      sign: (m) => signMessage(ours.privateKey, 'c1', m),
      verify: (m) => check.verify(m),
      forged: () => void forged++,
      save: () => {},
      flush: async () => {},
      flooded: () => {},
    },
  )
  const fromPartner = async (id: string, text: string) => {
    const sentAt = Date.now()
    return {
      t: 'msg',
      id,
      text,
      sentAt,
      sig: await signMessage(theirs.privateKey, 'c1', { id, sentAt, text }),
    } as const
  }
  return { messages, sent, forged: () => forged, ours, fromPartner }
}

describe('a chat with signed messages', () => {
  it('sends each message signed, in order, with anything queued after it (a bye) going after', async () => {
    const { messages, sent, ours } = await signedChat()
    messages.send('one')
    messages.send('two')
    messages.afterSends(() => sent.push({ t: 'bye', reason: 'left' }))
    await vi.waitFor(() => expect(sent).toHaveLength(3))
    expect(messages.list.map((m) => [m.text, m.status])).toEqual([
      ['one', 'sending'],
      ['two', 'sending'],
    ])
    expect(sent.map((frame) => frame.t)).toEqual(['msg', 'msg', 'bye'])
    const first = sent[0] as Extract<Frame, { t: 'msg' }>
    expect(await new SignatureCheck('c1', ours.publicKey).verify(first)).toBe(true)
  })

  it('shows the partner’s genuine messages in order, keeps their proof, and drops a forged one', async () => {
    const { messages, forged, fromPartner } = await signedChat()
    const genuine = await fromPartner('partner-0001', '  first  ')
    const tampered = { ...(await fromPartner('partner-0002', 'pay me')), text: 'pay him' }
    const last = await fromPartner('partner-0003', 'third')
    messages.receive(genuine)
    messages.receive(tampered)
    messages.receive(last)
    await vi.waitFor(() => expect(messages.list.map((m) => m.text)).toEqual(['first', 'third']))
    expect(forged()).toBe(1)
    // Tidied on screen, kept as signed for a report.
    expect(evidenceOf(messages.list[0]!)).toEqual({
      id: 'partner-0001',
      sentAt: genuine.sentAt,
      text: '  first  ',
      sig: genuine.sig,
    })
    expect(evidenceOf(messages.list[1]!)?.text).toBe('third')
  })
})

describe('a burst of signed messages', () => {
  it('leaves before it shows, in one render, and an ack that overtakes the rest of the burst still counts', async () => {
    const sent: Frame[] = []
    const pending: ((sig: string) => void)[] = []
    const messages = new ChatMessages(
      { chatId: 'c1', myName: 'Calm Otter', partnerName: 'Bold Lynx', startedAt: 0, endedAt: null },
      {
        send: (frame) => (sent.push(frame), true),
        canSend: () => true,
        sign: () => new Promise<string>((resolve) => pending.push(resolve)),
        forged: () => {},
        save: () => {},
        flush: async () => {},
        flooded: () => {},
      },
    )
    messages.send('one')
    messages.send('two')
    pending[0]!('A'.repeat(86) + '==')
    await vi.waitFor(() => expect(sent).toHaveLength(1))
    expect(messages.list).toEqual([]) // the burst is still being signed: nothing rendered yet
    messages.receive({ t: 'ack', id: (sent[0] as { id: string }).id })
    pending[1]!('B'.repeat(86) + '==')
    await vi.waitFor(() => expect(messages.list).toHaveLength(2))
    expect(sent).toHaveLength(2)
    expect(messages.list.map((m) => [m.text, m.status])).toEqual([
      ['one', 'delivered'],
      ['two', 'sending'],
    ])
  })
})

describe('a partner whose signatures this browser cannot check', () => {
  it('shows their messages without a proof (so they are not offered for a report), and drops nothing', async () => {
    for (const verify of [async () => null, undefined]) {
      let forged = 0
      const messages = new ChatMessages(
        { chatId: 'c1', myName: 'Calm Otter', partnerName: 'Bold Lynx', startedAt: 0, endedAt: null },
        {
          send: () => true,
          canSend: () => true,
          ...(verify && { verify }),
          forged: () => void forged++,
          save: () => {},
          flush: async () => {},
          flooded: () => {},
        },
      )
      messages.receive({ t: 'msg', id: 'partner-0001', text: 'hello', sentAt: 1, sig: 'A'.repeat(86) + '==' })
      await vi.waitFor(() => expect(messages.list).toHaveLength(1))
      expect(messages.list[0]?.proof).toBeUndefined()
      expect(forged).toBe(0)
    }
  })
})

const theirs = (n: number, signed = true): StoredMessage => ({
  id: `partner-${String(n).padStart(4, '0')}`,
  from: 'them',
  text: `message ${n}`,
  at: n,
  status: 'received',
  ...(signed && { proof: { sentAt: 1000 + n, sig: 'A'.repeat(86) + '==' } }),
})

describe('the report dialog', () => {
  it('offers the partner’s signed messages with the last 10 ticked, and sends exactly what is shown', async () => {
    const messages: StoredMessage[] = [
      ...Array.from({ length: 12 }, (_, i) => theirs(i)),
      { id: 'mine-00001', from: 'me', text: 'my own words', at: 99, status: 'delivered' },
      theirs(50, false),
    ]
    const sent: ReportRequest[] = []
    const view = render(ReportDialog, {
      chatId: 'chat-9',
      partnerName: 'Bold Lynx',
      messages,
      send: async (request: ReportRequest) => (sent.push(request), { ok: true as const }),
      onclose: () => {},
    })
    const boxes = [...view.ownerDocument.querySelectorAll<HTMLInputElement>('[data-testid="report-evidence"]')]
    expect(boxes).toHaveLength(12) // not ours, not the unsigned one
    expect(boxes.map((box) => box.checked)).toEqual([false, false, ...Array<boolean>(10).fill(true)])
    expect(view.ownerDocument.body.textContent).toContain('1 unsigned message(s) cannot be checked')
    expect(byTestId(view.ownerDocument, 'report-preview')?.textContent).toMatch(/the 10 message\(s\) ticked/)
    boxes[11]!.click()
    const reason = byTestId(view.ownerDocument, 'report-reason') as HTMLSelectElement
    reason.selectedIndex = [...reason.options].findIndex((option) => option.value === 'spam')
    reason.dispatchEvent(new Event('change', { bubbles: true }))
    const note = byTestId(view.ownerDocument, 'report-note') as HTMLTextAreaElement
    note.value = '  asked for money  '
    note.dispatchEvent(new Event('input', { bubbles: true }))
    flushSync()
    ;(byTestId(view.ownerDocument, 'report-send') as HTMLButtonElement).click()
    await vi.waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toEqual({
      chatId: 'chat-9',
      reason: 'spam',
      note: 'asked for money',
      evidence: Array.from({ length: 9 }, (_, i) => ({
        id: `partner-${String(i + 2).padStart(4, '0')}`,
        sentAt: 1002 + i,
        text: `message ${i + 2}`,
        sig: 'A'.repeat(86) + '==',
      })),
    })
    flushSync()
    expect(byTestId(view.ownerDocument, 'report-result')?.textContent).toMatch(/Report sent/)
  })

  it('says plainly why a report was refused, and lets the person try again', async () => {
    const view = render(ReportDialog, {
      chatId: 'chat-9',
      partnerName: 'Bold Lynx',
      messages: [theirs(1)],
      send: async () => ({ ok: false as const, text: 'Not sent: that chat ended too long ago to report or block.' }),
      onclose: () => {},
    })
    ;(byTestId(view.ownerDocument, 'report-send') as HTMLButtonElement).click()
    await vi.waitFor(() => {
      flushSync()
      expect(byTestId(view.ownerDocument, 'report-result')?.textContent).toMatch(/too long ago/)
    })
    expect((byTestId(view.ownerDocument, 'report-send') as HTMLButtonElement).disabled).toBe(false)
  })
})

describe('Block', () => {
  it('skips the chat at once and tells the server', async () => {
    const blocked: string[] = []
    let skipped = 0
    const safety = { block: async (chatId: string) => (blocked.push(chatId), { ok: true }) } as unknown as Safety
    const view = render(SafetyActions, {
      safety,
      chatId: 'chat-3',
      partnerName: 'Bold Lynx',
      messages: [],
      onblock: () => void skipped++,
    })
    byTestId(view, 'block')!.click()
    expect(skipped).toBe(1)
    await vi.waitFor(() => expect(blocked).toEqual(['chat-3']))
    flushSync()
    expect((byTestId(view, 'block') as HTMLButtonElement).disabled).toBe(true)
  })
})

describe('the report dialog in a chat', () => {
  it('takes the Esc that closes it: the chat is not skipped', () => {
    const session = new FakeSession()
    session.chatting()
    render(Chat, { session: session.asSession(), safety: {} as Safety })
    const dialog = document.createElement('dialog')
    dialog.setAttribute('open', '')
    document.body.append(dialog)
    const esc = () => window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', cancelable: true }))
    esc()
    esc()
    expect(session.calls).not.toContain('skip')
    dialog.remove()
    esc()
    esc()
    expect(session.calls).toContain('skip')
  })
})

describe('safety helpers', () => {
  it('reads when a ban ends from a refusal or an error, and keeps reports to the window', () => {
    expect(banEnd({ code: 'banned', until: 1234 })).toBe(1234)
    expect(banEnd({ code: 'banned', data: { until: 99 } })).toBe(99)
    expect(banEnd({ code: 'banned' })).toBeNull()
    expect(banEnd('banned')).toBeNull()
    expect(withinWindow(null, 86_400)).toBe(true)
    expect(withinWindow(Date.now() - 23 * 3600_000, 86_400)).toBe(true)
    expect(withinWindow(Date.now() - 25 * 3600_000, 86_400)).toBe(false)
    expect(withinWindow(Date.now() - 2 * 3600_000, 3600)).toBe(false)
  })
})
