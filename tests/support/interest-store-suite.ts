// Matching by interests and language (docs/protocol.md, I1–I7), one suite for every store: memory runs
// it as a unit test, Redis in the integration project; both must pass every case.
import { describe, expect, it } from 'vitest'
import { startFallbackTimer } from '../../signaling/match/fallback-timer.ts'
import { anyone, type FindOutcome, type MatchStore, type Pairing, type Search } from '../../signaling/store/store.ts'

const wait = 1000

export const searchFor = (interests: string[] = [], extra: Partial<Search> = {}): Search => ({
  ...anyone,
  interests,
  ...extra,
})

const partnerOf = (outcome: FindOutcome) => (outcome.kind === 'matched' ? outcome.pairing.initiator.id : null)

export function describeInterestMatching(kind: string, createStore: (interestWaitMs: number) => Promise<MatchStore>) {
  describe(`${kind} match store: interests and language`, () => {
    async function storeWith(ids: string[], interestWaitMs = wait): Promise<MatchStore> {
      const store = await createStore(interestWaitMs)
      for (const id of ids) await store.add({ id, name: `name-${id}`, ip: '10.0.0.1' }, 0)
      return store
    }

    it('I1: pairs a searcher with one who shares an interest before an earlier one who shares none', async () => {
      const store = await storeWith(['plain', 'fan', 'newcomer'])
      expect(await store.find('plain', 0)).toEqual({ kind: 'queued' })
      expect(await store.find('fan', 1, 'room-fan', searchFor(['music', 'chess']))).toEqual({
        kind: 'queued',
        fallbackAtMs: 1 + wait,
      })
      const outcome = await store.find('newcomer', 2, 'room-new', searchFor(['art', 'chess', 'music']))
      expect(outcome.kind === 'matched' && outcome.pairing).toMatchObject({
        initiator: { id: 'fan', relayRoom: 'room-fan' },
        responder: { id: 'newcomer', relayRoom: 'room-new' },
        common: ['chess', 'music'],
        waitedMs: 1,
      })
      expect(await store.counts()).toMatchObject({ searching: 1, chatting: 2 })
    })

    it('I1: takes the longest waiter among several who share an interest', async () => {
      const store = await storeWith(['b', 'c', 'd', 'e', 'f'])
      await store.find('b', 1, '', searchFor(['music']))
      await store.find('c', 2, '', searchFor(['art']))
      await store.find('d', 3, '', searchFor(['chess']))
      expect(partnerOf(await store.find('e', 4, '', searchFor(['chess', 'art', 'music'])))).toBe('b')
      expect(partnerOf(await store.find('f', 5, '', searchFor(['chess', 'art'])))).toBe('c')
      expect((await store.counts()).searching).toBe(1)
    })

    it('I2: two who gave no interests pair at once; one with interests waits out the wait, then takes the open waiter', async () => {
      const store = await storeWith(['x', 'y', 'fan', 'plain'])
      await store.find('x', 0)
      expect(partnerOf(await store.find('y', 0))).toBe('x')
      await store.find('fan', 100, 'room-fan', searchFor(['music']))
      expect(await store.find('plain', 200, 'room-plain')).toEqual({ kind: 'queued' })
      expect(await store.fallback(100 + wait - 1)).toEqual([])
      const [pairing, ...more] = await store.fallback(100 + wait)
      expect(more).toEqual([])
      expect(pairing).toMatchObject({
        initiator: { id: 'plain', relayRoom: 'room-plain' },
        responder: { id: 'fan', relayRoom: 'room-fan' },
        common: [],
      })
      expect(await store.counts()).toMatchObject({ searching: 0, chatting: 4 })
    })

    it('I2: once open, a searcher with interests is taken by the next one who gave none, still by a shared interest first', async () => {
      const store = await storeWith(['early', 'plain', 'fan', 'sharer'])
      await store.find('early', 0, '', searchFor(['chess']))
      expect(await store.fallback(wait)).toEqual([]) // open now, nobody there to take
      expect(partnerOf(await store.find('plain', wait + 1))).toBe('early')
      await store.find('fan', wait + 2, '', searchFor(['music']))
      expect(await store.fallback(2 * wait + 2)).toEqual([])
      const outcome = await store.find('sharer', 2 * wait + 3, '', searchFor(['music']))
      expect(outcome.kind === 'matched' && outcome.pairing).toMatchObject({
        initiator: { id: 'fan' },
        common: ['music'],
      })
    })

    it('I2: opens on time, driven by the fallback timer (measured)', async () => {
      const shortWait = 300
      const store = await storeWith(['fan', 'plain'], shortWait)
      let opened: (pairing: Pairing) => void = () => {}
      const paired = new Promise<Pairing>((resolve) => (opened = resolve))
      const timer = startFallbackTimer(
        async (nowMs) => {
          const [pairing] = await store.fallback(nowMs)
          if (pairing) opened(pairing)
        },
        Date.now,
        (error) => expect.unreachable(String(error)),
      )
      const startedMs = Date.now()
      const outcome = await store.find('fan', startedMs, '', searchFor(['music']))
      expect(await store.find('plain', Date.now())).toEqual({ kind: 'queued' })
      if (outcome.kind === 'queued' && outcome.fallbackAtMs !== undefined) timer.schedule('fan', outcome.fallbackAtMs)
      const pairing = await paired
      const elapsedMs = Date.now() - startedMs
      timer.stop()
      expect(pairing).toMatchObject({ initiator: { id: 'plain' }, responder: { id: 'fan' } })
      expect(elapsedMs).toBeGreaterThanOrEqual(shortWait)
      expect(elapsedMs).toBeLessThan(shortWait + 150)
    })

    it('I3: a strict searcher waits for a shared interest and is never paired at random', async () => {
      const store = await storeWith(['strict', 'plain', 'other', 'sharer'])
      expect(await store.find('strict', 0, '', searchFor(['music'], { strict: true }))).toEqual({ kind: 'queued' })
      await store.find('plain', 1)
      await store.find('other', 2, '', searchFor(['art']))
      expect(await store.fallback(10 * wait)).toHaveLength(1) // other falls back and takes plain
      expect(await store.counts()).toMatchObject({ searching: 1, chatting: 2 })
      const outcome = await store.find('sharer', 10 * wait, '', searchFor(['music']))
      expect(outcome.kind === 'matched' && outcome.pairing).toMatchObject({
        initiator: { id: 'strict' },
        common: ['music'],
      })
    })

    it('I4: never pairs two who gave different languages; one who gave none pairs with either', async () => {
      const store = await storeWith(['en', 'fr', 'any', 'en2', 'fr2', 'fan-en', 'fan-fr'])
      await store.find('en', 0, '', searchFor([], { lang: 'en' }))
      expect(await store.find('fr', 1, '', searchFor([], { lang: 'fr' }))).toEqual({ kind: 'queued' })
      expect(partnerOf(await store.find('any', 2))).toBe('en')
      expect(await store.find('en2', 3, '', searchFor([], { lang: 'en' }))).toEqual({ kind: 'queued' })
      expect(partnerOf(await store.find('fr2', 4, '', searchFor([], { lang: 'fr' })))).toBe('fr')
      await store.find('fan-en', 5, '', searchFor(['music'], { lang: 'en' }))
      expect((await store.find('fan-fr', 6, '', searchFor(['music'], { lang: 'fr' }))).kind).toBe('queued')
      // Both open to anyone: fan-en takes en2 (same language); fan-fr finds nobody in French.
      const pairings = await store.fallback(6 + wait)
      expect(pairings.map((p) => [p.initiator.id, p.responder.id])).toEqual([['en2', 'fan-en']])
      expect(await store.counts()).toMatchObject({ searching: 1 })
    })

    it('I4: a searcher without a language looks in every language, longest waiter first', async () => {
      const store = await storeWith(['de', 'it', 'fan', 'open', 'sharer'])
      await store.find('de', 0, '', searchFor(['film'], { lang: 'de' }))
      await store.find('it', 1, '', searchFor(['film'], { lang: 'it' }))
      expect(partnerOf(await store.find('sharer', 2, '', searchFor(['film'])))).toBe('de')
      await store.find('fan', 3, '', searchFor(['chess'], { lang: 'fr' }))
      expect(await store.fallback(3 + wait)).toEqual([]) // it and fan are open now, it first
      expect(partnerOf(await store.find('open', 4 + wait))).toBe('it')
    })

    it('I5: no immediate rematch by a shared interest either: the two wait for someone new', async () => {
      const store = await storeWith(['a', 'b', 'c', 'd'])
      await store.find('a', 0, '', searchFor(['music']))
      await store.find('b', 1, '', searchFor(['music']))
      await store.leave('b', 'skipped')
      expect(await store.find('a', 2, '', searchFor(['music']))).toMatchObject({ kind: 'queued' })
      expect(await store.find('b', 3, '', searchFor(['music']))).toMatchObject({ kind: 'queued' })
      expect(await store.fallback(3 + wait)).toEqual([]) // open now, still not with each other
      expect(partnerOf(await store.find('c', 4 + wait, '', searchFor(['music'])))).toBe('a')
      expect(partnerOf(await store.find('d', 5 + wait))).toBe('b')
      expect(await store.find('a', 6, '', searchFor(['music']))).toEqual({ kind: 'already-chatting' })
    })

    it('I6: hands each side the other’s sign key and the interests both gave, in the responder’s order', async () => {
      const store = await storeWith(['a', 'b'])
      const key = (c: string) => `${c.repeat(43)}=`
      await store.find('a', 0, '', searchFor(['chess', 'art', 'go'], { signKey: key('A') }))
      const outcome = await store.find('b', 1, '', searchFor(['go', 'chess'], { signKey: key('B') }))
      expect(outcome.kind === 'matched' && outcome.pairing).toMatchObject({
        initiator: { id: 'a', signKey: key('A') },
        responder: { id: 'b', signKey: key('B') },
        common: ['go', 'chess'],
      })
    })

    it('I7: counts the people searching with each interest, showing only those with at least 3, most first', async () => {
      const store = await storeWith(['a', 'b', 'c', 'd', 'e', 'f', 'g'])
      const tags = [['music', 'chess'], ['music', 'chess'], ['music', 'chess'], ['music', 'art'], ['art'], ['go'], []]
      // Each in a language of their own, so that nobody pairs.
      const langs = ['de', 'fr', 'it', 'es', 'pt', 'nl', '']
      for (const [i, id] of ['a', 'b', 'c', 'd', 'e', 'f', 'g'].entries()) {
        await store.find(id, i, '', searchFor(tags[i], { lang: langs[i] }))
      }
      expect((await store.counts()).interests).toEqual([
        { tag: 'music', searching: 4 },
        { tag: 'chess', searching: 3 },
      ])
      await store.cancel('a')
      await store.remove('b')
      expect((await store.counts()).interests).toEqual([])
    })
  })
}
