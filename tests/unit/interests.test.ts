// The interest normaliser the server applies to every match:find and the app to its chips.
import { describe, expect, it } from 'vitest'
import { isLanguageCode, normalizeInterest, normalizeInterests } from '../../protocol/interests.ts'

describe('normalizeInterest', () => {
  it.each([
    ['Music', 'music'],
    ['  Jazz   Piano\t', 'jazz piano'],
    ['ＭＵＳＩＣ', 'music'], // full-width letters (NFKC)
    ['ｋａｔａ－ｒｏｌｌ', 'kata-roll'], // full-width hyphen
    ['ﬁlm', 'film'], // ligature
    ['Café', 'café'],
    ['Cafe\u0301', 'café'], // combining accent, composed
    ['東京', '東京'],
    ['Ünïcödé_42', 'ünïcödé_42'],
    ['line\nbreak', 'line break'],
    ['a'.repeat(32), 'a'.repeat(32)],
    ['  ' + 'b'.repeat(32) + '  ', 'b'.repeat(32)],
  ])('%j → %j', (raw, normalised) => {
    expect(normalizeInterest(raw)).toBe(normalised)
  })

  it.each([
    ['', 'empty'],
    ['   ', 'only spaces'],
    ['a'.repeat(33), '33 characters'],
    ['c++', 'symbols'],
    ['rock & roll', 'an ampersand'],
    ['emoji 🎸', 'an emoji'],
    ['a,b', 'a comma'],
    ['<b>', 'markup'],
    [42, 'not a string'],
    [null, 'null'],
  ] as [unknown, string][])('refuses %j (%s)', (raw) => {
    expect(normalizeInterest(raw)).toBeNull()
  })

  it('counts characters, not UTF-16 units: 32 astral letters pass', () => {
    const gothic = '\u{10330}'.repeat(32)
    expect(normalizeInterest(gothic)).toBe(gothic)
    expect(normalizeInterest(gothic + '\u{10330}')).toBeNull()
  })
})

describe('normalizeInterests', () => {
  it('merges duplicates after normalisation, keeping the first place', () => {
    expect(normalizeInterests(['Music', 'art', ' MUSIC ', 'ＡＲＴ', 'go'], 3)).toEqual(['music', 'art', 'go'])
  })

  it('counts the limit after merging duplicates', () => {
    expect(normalizeInterests(['a', 'A', 'b', 'B', 'c'], 3)).toEqual(['a', 'b', 'c'])
    expect(normalizeInterests(['a', 'b', 'c', 'd'], 3)).toBeNull()
  })

  it('refuses the whole list for one bad entry', () => {
    expect(normalizeInterests(['music', ''], 10)).toBeNull()
    expect(normalizeInterests(['music', 7], 10)).toBeNull()
  })

  it('takes an empty list', () => {
    expect(normalizeInterests([], 10)).toEqual([])
  })
})

describe('isLanguageCode', () => {
  it.each(['en', 'fr', 'zh'])('takes %j', (code) => expect(isLanguageCode(code)).toBe(true))
  it.each(['EN', 'eng', 'e', 'en-US', ' en', '', 12])('refuses %j', (code) => expect(isLanguageCode(code)).toBe(false))
})
