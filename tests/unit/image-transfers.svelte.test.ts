import { describe, expect, it } from 'vitest'
import { ChatMessages } from '../../app/src/lib/chat/messages.svelte.ts'
import { ImageTransfers } from '../../app/src/lib/chat/images.svelte.ts'
import { chunkDataBytes } from '../../app/src/lib/link/chunk-frame.ts'
import type { Frame } from '../../app/src/lib/link/frames.ts'
import type { LinkPath } from '../../app/src/lib/link/chat-link.ts'

const id = 'img-000001'

/** The receiving side of a chat: a real conversation and real transfers over a recording link. */
function receiver(path: LinkPath = 'direct') {
  const sent: Frame[] = []
  const send = (frame: Frame) => (sent.push(frame), true)
  const messages = new ChatMessages(
    { chatId: 'c1', myName: 'Calm Otter', partnerName: 'Bold Lynx', startedAt: 0, endedAt: null },
    { send, canSend: () => true, forged: () => {}, save: () => {}, flush: async () => {}, flooded: () => {} },
  )
  const transfers = new ImageTransfers({
    messages,
    send,
    path: () => path,
    buffered: () => 0,
    drained: async () => {},
    relayBytesPerSecond: null,
  })
  return { messages, transfers, sent }
}

const picture = new Uint8Array(chunkDataBytes * 2 + 10).map((_, i) => i % 253)
const chunk = (index: number, data = picture.subarray(index * chunkDataBytes, (index + 1) * chunkDataBytes)) =>
  ({ t: 'img-chunk', id, index, data: data.slice() }) as const

function offered(r: ReturnType<typeof receiver>, bytes = picture.length) {
  r.messages.receive({ t: 'img-offer', id, mime: 'image/jpeg', bytes, width: 10, height: 10 })
  return () => r.messages.find(id)!.image!
}

describe('receiving an image', () => {
  it('shows an offer and nothing else until Accept; then assembles the chunks into the picture', async () => {
    const r = receiver()
    const image = offered(r)
    expect(image()).toMatchObject({ status: 'offered' })
    expect(image()).not.toHaveProperty('blob')
    r.transfers.receive(chunk(0)) // unasked: ignored
    r.transfers.accept(id)
    expect(r.sent.at(-1)).toEqual({ t: 'img-accept', id, from: 0 })
    for (const index of [0, 1, 2]) r.transfers.receive(chunk(index))
    expect(image().status).toBe('done')
    expect(new Uint8Array(await image().blob!.arrayBuffer())).toEqual(picture)
    expect(r.transfers.progress.has(id)).toBe(false)
  })

  it('asks once for the chunk it needs when one comes out of order (a path changed), and goes on', () => {
    const r = receiver()
    const image = offered(r)
    r.transfers.accept(id)
    r.transfers.receive(chunk(0))
    r.transfers.receive(chunk(2))
    r.transfers.receive(chunk(2))
    expect(r.sent.filter((f) => f.t === 'img-accept')).toEqual([
      { t: 'img-accept', id, from: 0 },
      { t: 'img-accept', id, from: 1 },
    ])
    r.transfers.receive(chunk(1))
    r.transfers.receive(chunk(2))
    expect(image().status).toBe('done')
  })

  it('asks again from where it stopped after a path change', () => {
    const r = receiver()
    offered(r)
    r.transfers.accept(id)
    r.transfers.receive(chunk(0))
    r.transfers.pathChanged()
    expect(r.sent.at(-1)).toEqual({ t: 'img-accept', id, from: 1 })
  })

  it('refuses a picture larger than its offer said', () => {
    const r = receiver()
    const image = offered(r, chunkDataBytes)
    r.transfers.accept(id)
    r.transfers.receive(chunk(0))
    expect(image().status).toBe('done')
    const r2 = receiver()
    const image2 = offered(r2, 100)
    r2.transfers.accept(id)
    r2.transfers.receive(chunk(0))
    expect(image2().status).toBe('failed')
    expect(image2()).not.toHaveProperty('blob')
  })

  it('never shows a declined picture, and tells the sender', () => {
    const r = receiver()
    const image = offered(r)
    r.transfers.decline(id)
    expect(r.sent.at(-1)).toEqual({ t: 'img-cancel', id })
    r.transfers.receive(chunk(0))
    expect(image().status).toBe('failed')
  })

  it('marks what had not arrived when the chat ends as not received', () => {
    const r = receiver()
    const image = offered(r)
    r.transfers.close()
    expect(image().status).toBe('failed')
    r.transfers.accept(id)
    expect(r.sent.some((f) => f.t === 'img-accept')).toBe(false)
  })

  it('stops when the partner unsends the picture', () => {
    const r = receiver()
    offered(r)
    r.transfers.accept(id)
    r.messages.receive({ t: 'unsend', id })
    r.transfers.forget(id) // what the chat does on `unsent`
    r.transfers.receive(chunk(0))
    expect(r.messages.find(id)).toMatchObject({ deleted: true })
    expect(r.messages.find(id)).not.toHaveProperty('image')
  })
})
