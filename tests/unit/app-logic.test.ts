import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTypingSender } from '../../app/src/lib/chat/typing.ts'
import { startHeartbeat } from '../../app/src/lib/link/heartbeat.ts'
import { hasLink, segments } from '../../app/src/lib/chat/links.ts'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('typing signals', () => {
  it('sends at most one `on` per 2 s while typing, and `off` after 3 s idle', () => {
    const sent: boolean[] = []
    const typing = createTypingSender(
      (on) => sent.push(on) > 0,
      () => Date.now(),
    )
    typing.input('h')
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(150)
      typing.input('hello'.slice(0, (i % 5) + 1))
    }
    expect(sent).toEqual([true])
    vi.advanceTimersByTime(600)
    typing.input('hello!')
    expect(sent).toEqual([true, true])
    vi.advanceTimersByTime(2999)
    expect(sent).toEqual([true, true])
    vi.advanceTimersByTime(1)
    expect(sent).toEqual([true, true, false])
  })

  it('sends `off` on send and when the text is cleared, once', () => {
    const sent: boolean[] = []
    const typing = createTypingSender((on) => sent.push(on) > 0)
    typing.input('x')
    typing.stop()
    typing.stop()
    typing.input('y')
    typing.input('')
    vi.advanceTimersByTime(5000)
    expect(sent).toEqual([true, false, true, false])
  })

  it('tries `on` again on the next edit when it could not be sent (the channel not yet open)', () => {
    const sent: boolean[] = []
    let open = false
    const typing = createTypingSender((on) => open && sent.push(on) > 0)
    typing.input('h')
    open = true
    typing.input('he') // well within 2 s of the first attempt
    expect(sent).toEqual([true])
    vi.advanceTimersByTime(3000)
    expect(sent).toEqual([true, false])
  })
})

describe('heartbeat', () => {
  it('pings every 2 s and declares the partner lost at 6 s of silence, not before and not later', () => {
    let pings = 0
    let lost = 0
    const beat = startHeartbeat(
      () => pings++,
      () => lost++,
    )
    vi.advanceTimersByTime(4000)
    beat.heard()
    vi.advanceTimersByTime(5999)
    expect(lost).toBe(0)
    vi.advanceTimersByTime(1) // exactly 6 s after the last frame
    expect(lost).toBe(1)
    expect(pings).toBe(5)
    vi.advanceTimersByTime(10_000)
    expect(lost).toBe(1)
    beat.stop()
  })
})

describe('links', () => {
  it('leaves look-alike links as plain text: a user name before @, a host outside ASCII', () => {
    for (const text of [
      'https://bank.example@evil.example/login',
      'https://bank.example:pw@evil.example',
      'https://\u0430pple.com/', // Cyrillic а
      'https://xn--pple-43d.com/',
    ]) {
      expect(segments(text)).toEqual([{ kind: 'text', text }])
    }
    expect(segments('https://example.com/a@b')).toEqual([
      { kind: 'link', text: 'https://example.com/a@b', href: 'https://example.com/a@b' },
    ])
  })

  it('links https URLs only, without trailing punctuation', () => {
    expect(segments('see https://a.example/x?y=1. and http://b.example or javascript:alert(1)')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://a.example/x?y=1', href: 'https://a.example/x?y=1' },
      { kind: 'text', text: '. and http://b.example or javascript:alert(1)' },
    ])
    expect(segments('<b>plain</b>')).toEqual([{ kind: 'text', text: '<b>plain</b>' }])
  })

  it('sends only text that may hold a link through the parser (every https link is seen)', () => {
    for (const text of ['go to https://a.example', 'HTTPS://A.EXAMPLE', 'http://b.example', 'plain'])
      expect(hasLink(text)).toBe(segments(text).some((part) => part.kind === 'link'))
  })
})
