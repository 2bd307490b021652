// Images in one chat: ours offered and streamed in 16 KB chunks once the partner accepts, theirs shown
// as an offer until accepted, then assembled. The data channel's queue is kept short, so a message
// typed during a transfer waits behind a fraction of a second of picture, never the whole of it.
import { SvelteMap } from 'svelte/reactivity'
import { randomId } from '../link/bytes.ts'
import type { LinkPath } from '../link/chat-link.ts'
import { chunkDataBytes } from '../link/chunk-frame.ts'
import type { Frame } from '../link/frames.ts'
import type { StoredImage } from '../history/rich-fields.ts'
import type { ChatMessages } from './messages.svelte.ts'
import { reencodeImage } from './image-encode.ts'

export type ImageFrame = Extract<Frame, { t: 'img-accept' | 'img-chunk' | 'img-cancel' }>

/** Chunks are queued until the data channel holds this much, then again once it has sent down to the low mark. */
export const queueBytes = { high: 256 * 1024, low: 64 * 1024 }
/** Over the server's relay (when it allows images), this share of its byte rate: text keeps the rest. */
const relayShare = 0.5

export interface ImageTransferDeps {
  messages: ChatMessages
  send(frame: Frame): boolean
  path(): LinkPath
  buffered(): number
  drained(lowBytes: number): Promise<void>
  /** Whether the server's relay carries images, and at what byte rate; null when it does not. */
  relayBytesPerSecond: number | null
}

interface Outgoing {
  bytes: Uint8Array
  /** Each (re)start of the stream; an older loop stops when it sees a newer one. */
  run: number
}

interface Incoming {
  parts: Uint8Array[]
  next: number
  received: number
  bytes: number
  /** A chunk came out of order: we asked for the right one and wait for it. */
  asked: boolean
}

export class ImageTransfers {
  /** How far each transfer has come, 0 to 1, ours and the partner's. */
  readonly progress = new SvelteMap<string, number>()
  readonly #deps: ImageTransferDeps
  // Bookkeeping only, never rendered: plain Maps on purpose.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- never rendered
  readonly #outgoing = new Map<string, Outgoing>()
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- never rendered
  readonly #incoming = new Map<string, Incoming>()
  #closed = false

  constructor(deps: ImageTransferDeps) {
    this.#deps = deps
  }

  /** Whether an image can go now: a data channel, or a relay that carries images. */
  get canSend(): boolean {
    const path = this.#deps.path()
    return path === 'direct' || path === 'turn' || (path === 'server' && this.#deps.relayBytesPerSecond !== null)
  }

  /** Re-encodes the picture and offers it; throws an ImageError when it cannot be sent. */
  async send(file: Blob): Promise<void> {
    const image = await reencodeImage(file)
    if (this.#closed) return
    const id = randomId()
    this.#outgoing.set(id, { bytes: new Uint8Array(await image.blob.arrayBuffer()), run: 0 })
    const { blob, mime, width, height } = image
    this.#deps.messages.offerImage(id, { mime, bytes: blob.size, width, height, status: 'offered', blob })
  }

  /** The person accepted the partner's image: it starts to arrive. */
  accept(id: string): void {
    const image = this.#deps.messages.find(id)?.image
    if (this.#closed || !image || image.status !== 'offered') return
    this.#incoming.set(id, { parts: [], next: 0, received: 0, bytes: image.bytes, asked: false })
    this.#setStatus(id, 'loading')
    this.progress.set(id, 0)
    this.#deps.send({ t: 'img-accept', id, from: 0 })
  }

  /** The person does not want it: it never shows, and the partner stops offering. */
  decline(id: string): void {
    if (this.#deps.messages.find(id)?.image?.status !== 'offered') return
    this.#deps.send({ t: 'img-cancel', id })
    this.#setStatus(id, 'failed')
  }

  receive(frame: ImageFrame): void {
    if (this.#closed) return
    if (frame.t === 'img-accept') return void this.#stream(frame.id, frame.from)
    if (frame.t === 'img-cancel') return this.#cancelled(frame.id)
    const incoming = this.#incoming.get(frame.id)
    if (!incoming) return
    if (frame.index !== incoming.next) {
      // After a path change, the old path's last chunks: ask once for the one we need.
      if (frame.index > incoming.next && !incoming.asked) {
        incoming.asked = true
        this.#deps.send({ t: 'img-accept', id: frame.id, from: incoming.next })
      }
      return
    }
    incoming.asked = false
    incoming.parts.push(frame.data)
    incoming.next += 1
    incoming.received += frame.data.length
    if (incoming.received > incoming.bytes) return this.#fail(frame.id)
    this.#setProgress(frame.id, incoming.received / incoming.bytes)
    if (incoming.received < incoming.bytes) return
    this.#incoming.delete(frame.id)
    this.progress.delete(frame.id)
    const image = this.#deps.messages.find(frame.id)?.image
    const blob = new Blob(incoming.parts as Uint8Array<ArrayBuffer>[], { type: image?.mime ?? 'image/jpeg' })
    this.#deps.messages.patch(frame.id, (m) => (m.image ? { ...m, image: { ...m.image, status: 'done', blob } } : null))
  }

  /** The chat moved to another path: what was arriving is asked for again from where it stopped. */
  pathChanged(): void {
    if (this.#closed || !this.canSend) return
    for (const [id, incoming] of this.#incoming) this.#deps.send({ t: 'img-accept', id, from: incoming.next })
  }

  /** The message was unsent (by either side): its transfer stops. */
  forget(id: string): void {
    this.#outgoing.delete(id)
    this.#incoming.delete(id)
    this.progress.delete(id)
  }

  /** The chat ended: what had not fully arrived never will. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    for (const id of this.#incoming.keys()) this.#fail(id)
    for (const message of this.#deps.messages.list)
      if (message.from === 'them' && message.image?.status === 'offered') this.#fail(message.id)
    this.#outgoing.clear()
  }

  async #stream(id: string, from: number): Promise<void> {
    const outgoing = this.#outgoing.get(id)
    if (!outgoing) return
    const run = ++outgoing.run
    const count = Math.ceil(outgoing.bytes.length / chunkDataBytes)
    this.#setStatus(id, 'loading')
    let relayClock = performance.now()
    for (let index = from; index < count; index++) {
      if (this.#closed || outgoing.run !== run || !this.#outgoing.has(id)) return
      const path = this.#deps.path()
      if (path === 'server') {
        const rate = this.#deps.relayBytesPerSecond
        if (rate === null) return // waits for a data channel: the partner asks again when one opens
        // Paced below the relay's byte rate, so the messages typed meanwhile still fit in it.
        relayClock = Math.max(relayClock, performance.now()) + (chunkDataBytes / (rate * relayShare)) * 1000
        await new Promise((resume) => setTimeout(resume, relayClock - performance.now()))
      } else if (this.#deps.buffered() > queueBytes.high) await this.#deps.drained(queueBytes.low)
      if (this.#closed || outgoing.run !== run) return
      const data = outgoing.bytes.subarray(index * chunkDataBytes, (index + 1) * chunkDataBytes)
      if (!this.#deps.send({ t: 'img-chunk', id, index, data })) return
      this.#setProgress(id, (index + 1) / count)
    }
    this.progress.delete(id)
    this.#setStatus(id, 'done')
  }

  #cancelled(id: string): void {
    // Our offer, declined: it stays on our side, marked as not sent.
    if (this.#outgoing.delete(id)) return this.#setStatus(id, 'failed')
    this.#fail(id)
  }

  #fail(id: string): void {
    this.#incoming.delete(id)
    this.progress.delete(id)
    this.#setStatus(id, 'failed')
  }

  /** Progress in whole percents: a render per chunk would cost more than the chunk. */
  #setProgress(id: string, fraction: number): void {
    const rounded = Math.floor(fraction * 100) / 100
    if (this.progress.get(id) !== rounded) this.progress.set(id, rounded)
  }

  #setStatus(id: string, status: StoredImage['status']): void {
    this.#deps.messages.patch(id, (m) =>
      m.image && m.image.status !== status && !m.deleted ? { ...m, image: { ...m.image, status } } : null,
    )
  }
}
