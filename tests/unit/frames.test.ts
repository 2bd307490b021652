import { describe, expect, it } from 'vitest'
import { encodeFrame, encodeHandshake, parseFrame, parseHandshake } from '../../app/src/lib/link/frames.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('frame codec', () => {
  it('round-trips every frame type', () => {
    const frames = [
      { t: 'msg', id: 'abcdefgh12', text: 'héllo 👋', sentAt: 1700000000000 },
      { t: 'ack', id: 'abcdefgh12' },
      { t: 'typing', on: true },
      { t: 'ping' },
      { t: 'pong' },
      { t: 'bye', reason: 'skipped' },
    ] as const
    for (const frame of frames) expect(parseFrame(encodeFrame(frame), 500)).toEqual(frame)
  })

  it('rejects junk', () => {
    const junk = [
      'not json',
      'null',
      '[]',
      '{"t":"msg","id":"short","text":"x","sentAt":1}',
      '{"t":"msg","id":"abcdefgh12","text":"","sentAt":1}',
      '{"t":"msg","id":"abcdefgh12","text":"x","sentAt":"now"}',
      '{"t":"msg","id":"abcdefgh12","text":5,"sentAt":1}',
      '{"t":"typing","on":"yes"}',
      '{"t":"bye","reason":"bored"}',
      '{"t":"ack","id":"<script>alert(1)</script>"}',
      '{"t":"unknown"}',
    ]
    for (const text of junk) expect(parseFrame(bytes(text), 500), text).toBeNull()
    expect(parseFrame(new Uint8Array([0xff, 0xfe, 0x00]), 500)).toBeNull()
  })

  it('enforces the message limit in characters, not bytes', () => {
    const frame = (text: string) => encodeFrame({ t: 'msg', id: 'abcdefgh12', text, sentAt: 1 })
    expect(parseFrame(frame('é'.repeat(500)), 500)).not.toBeNull()
    expect(parseFrame(frame('a'.repeat(501)), 500)).toBeNull()
  })

  it('parses handshake frames and rejects malformed keys', () => {
    const publicKey = new Uint8Array(32).fill(7)
    expect(parseHandshake(encodeHandshake({ t: 'hello', publicKey }))).toEqual({ t: 'hello', publicKey })
    expect(parseHandshake('{"v":1,"t":"hello","pk":"AAAA"}')).toBeNull()
    expect(parseHandshake('{"v":2,"t":"hello","pk":"AAAA"}')).toBeNull()
    expect(parseHandshake('{"v":1,"t":"commit","h":"!!!!"}')).toBeNull()
  })
})
