// History search's text folding, highlighting and index: pure functions, no storage.
import { describe, expect, it } from 'vitest'
import { fold, highlight, snippet, type Segment } from '../../app/src/lib/history/search-text.ts'
import { SearchIndex } from '../../app/src/lib/history/search-index.ts'
import type { ChatRecord } from '../../app/src/lib/history/record.ts'

/** The highlighted parts of a text, as a reader sees them. */
const hits = (segments: Segment[]) => segments.filter((s) => s.hit).map((s) => s.text)
const whole = (segments: Segment[]) => segments.map((s) => s.text).join('')

describe('fold: what search compares', () => {
  it('ignores case and accents, composed or decomposed', () => {
    expect(fold('Café CRÈME')).toBe('cafe creme')
    expect(fold('Cafe\u0301')).toBe('cafe')
    expect(fold('ÅNGSTRÖM')).toBe('angstrom')
    expect(fold('İstanbul')).toBe('istanbul')
  })

  it('folds compatibility forms (NFKD) and letters NFKD keeps', () => {
    expect(fold('ﬁne ①')).toBe('fine 1')
    expect(fold('Ｆｕｌｌ')).toBe('full')
    expect(fold('Straße')).toBe('strasse')
    expect(fold('Łódź')).toBe('lodz')
    expect(fold('ΟΔΟΣ')).toBe(fold('οδος'))
  })

  it('leaves ASCII as its lower case and other scripts as they are', () => {
    expect(fold('Hello, World! 42')).toBe('hello, world! 42')
    expect(fold('你好')).toBe('你好')
    expect(fold('')).toBe('')
  })
})

describe('highlight: where the match is in the text as written', () => {
  it('marks every occurrence, keeping the original characters', () => {
    const segments = highlight('Le café et le CAFÉ', fold('cafe'))
    expect(hits(segments)).toEqual(['café', 'CAFÉ'])
    expect(whole(segments)).toBe('Le café et le CAFÉ')
  })

  it('keeps a decomposed accent inside the highlight, and never splits a character', () => {
    expect(hits(highlight('un cafe\u0301 noir', fold('café')))).toEqual(['cafe\u0301'])
    expect(hits(highlight('die Straße', fold('strasse')))).toEqual(['Straße'])
    expect(whole(highlight('Maße', 's'))).toBe('Maße')
    expect(hits(highlight('a 😀 b 😀', fold('😀 b')))).toEqual(['😀 b'])
  })

  it('gives the text unmarked when the query is empty or absent, and markup stays text', () => {
    expect(highlight('plain', '')).toEqual([{ text: 'plain', hit: false }])
    expect(highlight('<b>bold</b>', 'bold')).toEqual([
      { text: '<b>', hit: false },
      { text: 'bold', hit: true },
      { text: '</b>', hit: false },
    ])
    expect(hits(highlight('nothing here', 'zzz'))).toEqual([])
  })

  it('shows a long message from shortly before its first match', () => {
    const text = `${'word '.repeat(40)}needle and more`
    const cut = snippet(highlight(text, 'needle'))
    expect(cut[0]!.text.startsWith('…')).toBe(true)
    expect(cut[0]!.text.length).toBeLessThanOrEqual(41)
    expect(hits(cut)).toEqual(['needle'])
    expect(snippet(highlight('short needle', 'needle'))).toEqual(highlight('short needle', 'needle'))
  })
})

const chat = (chatId: string, startedAt: number, texts: string[]): ChatRecord => ({
  chatId,
  myName: 'Calm Otter',
  partnerName: `Partner ${chatId}`,
  startedAt,
  endedAt: null,
  messages: texts.map((text, i) => ({
    id: `${chatId}-${i}-abcdef`,
    from: i % 2 ? 'them' : 'me',
    text,
    at: startedAt + i,
    status: i % 2 ? 'received' : 'delivered',
  })),
})

describe('SearchIndex', () => {
  it('finds text in every message of every chat: newest chat first, newest message first', () => {
    const index = new SearchIndex()
    index.put(chat('old', 1, ['Hello there', 'nothing', 'hello again']))
    index.put(chat('new', 2, ['say HELLO']))
    const results = index.find('  hello ', 10)
    expect(results.total).toBe(3)
    expect(results.hits.map((hit) => [hit.chatId, hit.message.text])).toEqual([
      ['new', 'say HELLO'],
      ['old', 'hello again'],
      ['old', 'Hello there'],
    ])
    expect(results.hits[1]!.key).toBe('me:old-2-abcdef')
  })

  it('counts every match but lists only up to the limit', () => {
    const index = new SearchIndex()
    index.put(
      chat(
        'c',
        1,
        Array.from({ length: 500 }, (_, i) => `message ${i}`),
      ),
    )
    const results = index.find('message', 50)
    expect(results.total).toBe(500)
    expect(results.hits).toHaveLength(50)
    expect(results.hits[0]!.message.text).toBe('message 499')
  })

  it('finds nothing for a blank query, and forgets a deleted chat', () => {
    const index = new SearchIndex()
    index.put(chat('c', 1, ['café']))
    expect(index.find('   ', 10)).toMatchObject({ total: 0, hits: [] })
    expect(index.find('CAFE', 10).total).toBe(1)
    index.delete('c')
    expect(index.find('cafe', 10).total).toBe(0)
  })

  it('takes a chat again as it grew, finding its new messages', () => {
    const index = new SearchIndex()
    index.put(chat('c', 1, ['first']))
    index.put(chat('c', 1, ['first', 'second']))
    expect(index.find('second', 10).total).toBe(1)
    expect(index.size).toBe(1)
  })
})
