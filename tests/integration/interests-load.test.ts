// 1,000 searchers with random interests, languages and strictness, all at once over real sockets:
// they must end in disjoint pairs that keep every rule, and those left must be unable to pair.
import { afterEach, describe, expect, it } from 'vitest'
import { normalizeInterests } from '../../protocol/interests.ts'
import type { MatchFound } from '#protocol'
import { closeAll, connectClients, request, startTestServer, type Client } from '../support/signaling.ts'
import { pause } from '../support/timing.ts'

afterEach(closeAll)

const waitMs = 300
const tags = Array.from({ length: 20 }, (_, i) => `Tag ${i}`)
const langs = ['', '', 'en', 'fr', 'de']

/** A seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state / 2 ** 31
  }
}

interface Searcher {
  client: Client & { welcome: { name: string } }
  interests: string[]
  lang: string
  strict: boolean
  searchedAtMs: number
  found: MatchFound[]
  foundAtMs: number
}

const compatibleLangs = (a: Searcher, b: Searcher) => a.lang === '' || b.lang === '' || a.lang === b.lang
const shared = (a: Searcher, b: Searcher) => a.interests.filter((tag) => b.interests.includes(tag))

describe('interests under load', () => {
  it('ends 1,000 simultaneous searches with random interests in disjoint pairs that keep every rule', async () => {
    const server = await startTestServer({ INTEREST_WAIT_MS: String(waitMs) })
    const clients = await connectClients(server, 1000)
    const next = random(13)
    const searchers: Searcher[] = clients.map((client) => {
      const count = Math.floor(next() * 4)
      const raw = Array.from({ length: count }, () => tags[Math.floor(next() * tags.length)]!)
      const searcher: Searcher = {
        client,
        interests: normalizeInterests(raw, 10) ?? [],
        lang: langs[Math.floor(next() * langs.length)]!,
        strict: count > 0 && next() < 0.2,
        searchedAtMs: 0,
        found: [],
        foundAtMs: 0,
      }
      client.on('match:found', (found) => {
        searcher.found.push(found)
        searcher.foundAtMs = Date.now()
      })
      return searcher
    })
    const byName = new Map(searchers.map((s) => [s.client.welcome.name, s]))
    let lastFoundMs = Date.now()
    for (const s of searchers) s.client.on('match:found', () => (lastFoundMs = Date.now()))

    await Promise.all(
      searchers.map(async (s) => {
        s.searchedAtMs = Date.now()
        const raw = s.interests.map((tag) => tag.toUpperCase())
        const { error } = await request(s.client, 'match:find', {
          ...(raw.length > 0 ? { interests: raw } : {}),
          ...(s.lang ? { lang: s.lang } : {}),
          ...(s.strict ? { strict: true } : {}),
        })
        expect(error).toBeNull()
      }),
    )
    // Everyone's wait is over, then pairs stop coming.
    await pause(waitMs)
    while (Date.now() - lastFoundMs < 1000) await pause(100)

    const chats = new Map<string, Searcher[]>()
    for (const s of searchers) {
      expect(s.found.length).toBeLessThanOrEqual(1) // nobody twice
      const [found] = s.found
      if (found) chats.set(found.chatId, [...(chats.get(found.chatId) ?? []), s])
    }
    for (const [, pairMembers] of chats) {
      expect(pairMembers).toHaveLength(2)
      const [a, b] = pairMembers as [Searcher, Searcher]
      const [foundA, foundB] = [a.found[0]!, b.found[0]!]
      expect(byName.get(foundA.partner.name)).toBe(b)
      expect(foundA.initiator).not.toBe(foundB.initiator)
      expect(compatibleLangs(a, b)).toBe(true)
      const common = shared(b, a)
      expect(new Set(foundA.common)).toEqual(new Set(common))
      expect(foundB.common).toEqual(foundA.common)
      if (common.length === 0) {
        // At random: never a strict one, and each who gave interests waited them out.
        for (const s of [a, b]) {
          expect(s.strict).toBe(false)
          if (s.interests.length > 0) expect(s.foundAtMs - s.searchedAtMs).toBeGreaterThanOrEqual(waitMs - 5)
        }
      }
    }
    // Those left could not have been paired with each other.
    const left = searchers.filter((s) => s.found.length === 0)
    for (const [i, a] of left.entries()) {
      for (const b of left.slice(i + 1)) {
        const couldPair = compatibleLangs(a, b) && (shared(a, b).length > 0 || (!a.strict && !b.strict))
        expect(couldPair, `${JSON.stringify([a.interests, a.lang, a.strict, b.interests, b.lang, b.strict])}`).toBe(
          false,
        )
      }
    }
    expect(chats.size * 2 + left.length).toBe(1000)
    expect(chats.size).toBeGreaterThan(400)
  })
})
