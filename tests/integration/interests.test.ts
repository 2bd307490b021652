// Matching by interests and language over real sockets (in memory here, on Redis in integration-redis).
import { afterEach, describe, expect, it } from 'vitest'
import {
  closeAll,
  connectClient,
  connectClients,
  nextEvent,
  presenceWhere,
  quiet,
  request,
  startTestServer,
  type Client,
} from '../support/signaling.ts'

afterEach(closeAll)

const signKey = `${'q'.repeat(42)}Q=`
const waitMs = 300

/** Searches and resolves with the ack's status (throws on a refusal). */
async function search(client: Client, request_: Record<string, unknown>): Promise<string> {
  const { error, data } = await request<{ status: string }>(client, 'match:find', request_)
  if (error) throw new Error(`refused: ${error.code} ${error.message}`)
  return data?.status ?? ''
}

describe('match:find with interests, language and strict', () => {
  it('pairs two who share a normalised interest, with the interests both gave and the sign key', async () => {
    const server = await startTestServer({ INTEREST_WAIT_MS: String(waitMs) })
    const [plain, a, b] = await connectClients(server, 3)
    expect(a!.welcome.limits.interestWaitMs).toBe(waitMs)
    await search(plain!, {})
    const foundA = nextEvent(a!, 'match:found')
    const foundB = nextEvent(b!, 'match:found')
    expect(await search(a!, { interests: [' Jazz  Piano', 'ＣＨＥＳＳ', 'go'], lang: 'en', signKey })).toBe('queued')
    expect(await search(b!, { interests: ['chess', 'jazz piano'], strict: true })).toBe('matched')
    expect(await foundA).toMatchObject({
      initiator: true,
      partner: { name: b!.welcome.name },
      common: ['chess', 'jazz piano'],
    })
    expect((await foundA).partner.signKey).toBeUndefined()
    expect(await foundB).toMatchObject({
      initiator: false,
      partner: { name: a!.welcome.name, signKey },
      common: ['chess', 'jazz piano'],
    })
    expect(await quiet(plain!, 'match:found')).toBe(true)
  })

  it('refuses bad payloads with bad-payload and a helpful message, and queues nothing', async () => {
    const server = await startTestServer({ MATCH_RATE_BURST: '100' })
    const [client, watcher] = await connectClients(server, 2)
    const bad = [
      'music',
      { interests: 'music' },
      { interests: [''] },
      { interests: ['a'.repeat(33)] },
      { interests: ['c++'] },
      { interests: ['music', 7] },
      { interests: Array.from({ length: 11 }, (_, i) => `tag ${i}`) },
      { lang: 'EN' },
      { lang: 'eng' },
      { lang: 7 },
      { strict: 'yes' },
      { signKey: 'not base64' },
      { signKey: `${'A'.repeat(43)}` }, // 32 bytes need the padding
      { signKey: `${'A'.repeat(42)}B=` }, // trailing bits set: not canonical base64 of 32 bytes
      { signKey: Buffer.alloc(33).toString('base64') },
    ]
    for (const payload of bad) {
      const { error } = await request(client!, 'match:find', payload)
      expect(error?.code, JSON.stringify(payload)).toBe('bad-payload')
      expect(error?.message).toMatch(/^match:find takes \{ interests\?: string\[\], lang\?: string/)
    }
    const tooMany = await request(client!, 'match:find', { interests: Array.from({ length: 11 }, (_, i) => `t${i}`) })
    expect(tooMany.error?.message).toContain('at most 10 different interests of 1–32 letters')
    // Duplicates merge before the limit is counted: eleven entries, ten interests.
    const merged = [...Array.from({ length: 10 }, (_, i) => `t${i}`), 'T0']
    await presenceWhere(watcher!, (p) => p.searching === 0)
    expect(await search(watcher!, {})).toBe('queued')
    expect(
      await search(client!, { interests: merged, strict: true, signKey: Buffer.alloc(32, 7).toString('base64') }),
    ).toBe('queued')
    expect(await quiet(watcher!, 'match:found')).toBe(true)
  })

  it('treats strict without interests as a search for anyone', async () => {
    const server = await startTestServer()
    const [a, b] = await connectClients(server, 2)
    await search(a!, { strict: true })
    const found = nextEvent(a!, 'match:found')
    expect(await search(b!, {})).toBe('matched')
    expect((await found).common).toEqual([])
  })

  it('opens a search with interests to anyone after INTEREST_WAIT_MS, not before', async () => {
    const server = await startTestServer({ INTEREST_WAIT_MS: String(waitMs) })
    const [fan, plain] = await connectClients(server, 2)
    const startedMs = Date.now()
    await search(fan!, { interests: ['music'] })
    const found = nextEvent(fan!, 'match:found')
    expect(await search(plain!, {})).toBe('queued')
    const result = await found
    const elapsedMs = Date.now() - startedMs
    expect(result).toMatchObject({ initiator: false, partner: { name: plain!.welcome.name }, common: [] })
    expect(elapsedMs).toBeGreaterThanOrEqual(waitMs)
    expect(elapsedMs).toBeLessThan(waitMs + 250)
  })

  it('never pairs a strict searcher at random, nor two of different languages', async () => {
    const server = await startTestServer({ INTEREST_WAIT_MS: '50' })
    const [strict, plain, en, fr] = await connectClients(server, 4)
    await search(strict!, { interests: ['music'], strict: true })
    await search(plain!, { lang: 'de' })
    await search(en!, { interests: ['art'], lang: 'en' })
    await search(fr!, { lang: 'fr' })
    for (const client of [strict, plain, en, fr]) expect(await quiet(client!, 'match:found', 400)).toBe(true)
    const sharer = await connectClient(server)
    const found = nextEvent(strict!, 'match:found')
    expect(await search(sharer, { interests: ['MUSIC'], lang: 'de' })).toBe('matched')
    expect((await found).common).toEqual(['music'])
  })

  it('shows interests searched by at least 3 in presence, to a newcomer in its first update', async () => {
    const server = await startTestServer()
    const searchers = await connectClients(server, 5)
    const langs = ['de', 'fr', 'it', 'es', 'pt'] // nobody pairs
    const tags = [['music', 'art'], ['music', 'art'], ['Music'], ['go'], ['art']]
    for (const [i, client] of searchers.entries()) await search(client, { interests: tags[i], lang: langs[i] })
    // Ties in reverse order of the tag, as Redis gives them.
    const expected = [
      { tag: 'music', searching: 3 },
      { tag: 'art', searching: 3 },
    ]
    const newcomer = await connectClient(server)
    await presenceWhere(newcomer, (p) => JSON.stringify(p.interests) === JSON.stringify(expected))
    await presenceWhere(searchers[3]!, (p) => JSON.stringify(p.interests) === JSON.stringify(expected))
    await request(searchers[0]!, 'match:cancel')
    await presenceWhere(newcomer, (p) => p.interests.length === 0 && p.searching === 4)
  })
})
