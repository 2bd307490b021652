import { describe, expect, it } from 'vitest'
import { encodeFrame, parseFrame, type Frame } from '../../app/src/lib/link/frames.ts'
import { chunkDataBytes } from '../../app/src/lib/link/chunk-frame.ts'

const bytes = (text: string) => new TextEncoder().encode(text)
const id = 'abcdefgh12'

describe('rich chat frames', () => {
  it('round-trips replies, reactions, edits, deletions and every image frame', () => {
    const frames: Frame[] = [
      { t: 'msg', id, text: 'yes!', sentAt: 5, replyTo: 'zyxwvuts98' },
      { t: 'react', id, emoji: '❤️' },
      { t: 'react', id, emoji: null },
      { t: 'edit', id, text: 'fixed', editedAt: 7, sig: `${'A'.repeat(86)}==` },
      { t: 'unsend', id },
      { t: 'img-offer', id, mime: 'image/webp', bytes: 5 * 1024 * 1024, width: 2048, height: 1 },
      { t: 'img-accept', id, from: 3 },
      { t: 'img-cancel', id },
    ]
    for (const frame of frames) expect(parseFrame(encodeFrame(frame), 500)).toEqual(frame)
  })

  it('carries an image chunk as binary, not JSON: the bytes as they are, after a short header', () => {
    const data = new Uint8Array(chunkDataBytes).map((_, i) => i % 251)
    const encoded = encodeFrame({ t: 'img-chunk', id, index: 70_000, data })
    expect(encoded.length).toBe(data.length + 2 + id.length + 4)
    expect(encoded[0]).not.toBe('{'.charCodeAt(0))
    expect(parseFrame(encoded, 500)).toEqual({ t: 'img-chunk', id, index: 70_000, data })
  })

  it('refuses junk in every new frame', () => {
    const junk = [
      '{"t":"msg","id":"abcdefgh12","text":"x","sentAt":1,"replyTo":"no"}',
      '{"t":"msg","id":"abcdefgh12","text":"x","sentAt":1,"replyTo":5}',
      '{"t":"react","id":"abcdefgh12","emoji":"💩"}',
      '{"t":"react","id":"abcdefgh12"}',
      '{"t":"react","id":"x","emoji":"👍"}',
      '{"t":"edit","id":"abcdefgh12","text":"  ","editedAt":1}',
      '{"t":"edit","id":"abcdefgh12","text":"ok","editedAt":1.5}',
      '{"t":"edit","id":"abcdefgh12","text":"ok","editedAt":1,"sig":"short"}',
      '{"t":"unsend","id":"../../etc"}',
      '{"t":"img-offer","id":"abcdefgh12","mime":"image/svg+xml","bytes":10,"width":1,"height":1}',
      '{"t":"img-offer","id":"abcdefgh12","mime":"image/jpeg","bytes":5242881,"width":1,"height":1}',
      '{"t":"img-offer","id":"abcdefgh12","mime":"image/jpeg","bytes":10,"width":0,"height":1}',
      '{"t":"img-offer","id":"abcdefgh12","mime":"image/jpeg","bytes":10,"width":1,"height":4096}',
      '{"t":"img-accept","id":"abcdefgh12","from":-1}',
      '{"t":"img-accept","id":"abcdefgh12"}',
      '{"t":"img-cancel"}',
    ]
    for (const text of junk) expect(parseFrame(bytes(text), 500), text).toBeNull()
    expect(parseFrame(encodeFrame({ t: 'edit', id, text: 'a'.repeat(501), editedAt: 1 }), 500)).toBeNull()
  })

  it('refuses a malformed chunk: too short, a bad id, more data than a chunk holds', () => {
    const chunk = (frameId: string, size: number) =>
      encodeFrame({ t: 'img-chunk', id: frameId, index: 0, data: new Uint8Array(size) })
    expect(parseFrame(new Uint8Array([1, 2, 3]), 500)).toBeNull()
    expect(parseFrame(chunk('bad id!!', 10), 500)).toBeNull()
    expect(parseFrame(chunk(id, chunkDataBytes + 1), 500)).toBeNull()
    expect(parseFrame(chunk(id, 0), 500)).toBeNull()
    const lying = chunk(id, 10)
    lying[1] = 200 // an id length past the end
    expect(parseFrame(lying, 500)).toBeNull()
  })
})
