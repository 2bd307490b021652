// The matchmaker's behaviour, one suite for every store: memory runs it as a unit test (no sockets,
// no Redis), Redis in the integration project; both must pass every case.
import { describe, expect, it } from 'vitest'
import { anyone, type MatchStore } from '../../signaling/store/store.ts'
import { eventually } from './timing.ts'

/** `block`: blocks two block keys for the store under test from now on (safety:block's write). */
export function describeMatchStore(
  kind: string,
  createStore: () => Promise<MatchStore>,
  block: (a: string, b: string) => Promise<void>,
): void {
  describe(`${kind} match store`, () => {
    async function storeWith(...ids: string[]): Promise<MatchStore> {
      const store = await createStore()
      for (const id of ids) await store.add({ id, name: `name-${id}`, ip: '10.0.0.1' }, 0)
      return store
    }

    it('queues the first searcher and pairs the second with them as initiator, handing over relay rooms', async () => {
      const store = await storeWith('a', 'b')
      expect(await store.find('a', 1000, 'room-a')).toEqual({ kind: 'queued' })
      const outcome = await store.find('b', 1250, 'room-b')
      expect(outcome.kind).toBe('matched')
      if (outcome.kind !== 'matched') return
      const none = { signKey: '', blockKey: '' }
      expect(outcome.pairing.initiator).toEqual({ id: 'a', name: 'name-a', relayRoom: 'room-a', ...none })
      expect(outcome.pairing.responder).toEqual({ id: 'b', name: 'name-b', relayRoom: 'room-b', ...none })
      expect(outcome.pairing.waitedMs).toBe(250)
      expect(outcome.pairing.chatId).toMatch(/^[0-9a-f-]{36}$/)
      expect(await store.partnerOf('a')).toBe('b')
      expect(await store.counts()).toEqual({ online: 2, searching: 0, chatting: 2, interests: [] })
    })

    it("carries each side's signKey (from its search) and block key (from its arrival) into the pairing", async () => {
      const store = await createStore()
      await store.add({ id: 'a', name: 'A', ip: '10.0.0.1', blockKey: 'ka' }, 0)
      await store.add({ id: 'b', name: 'B', ip: '10.0.0.2', blockKey: 'kb' }, 0)
      await store.find('a', 0, '', { ...anyone, signKey: 'sign-a' })
      const outcome = await store.find('b', 0, '', { ...anyone, signKey: 'sign-b' })
      if (outcome.kind !== 'matched') throw new Error(outcome.kind)
      expect(outcome.pairing.initiator).toMatchObject({ id: 'a', signKey: 'sign-a', blockKey: 'ka' })
      expect(outcome.pairing.responder).toMatchObject({ id: 'b', signKey: 'sign-b', blockKey: 'kb' })
    })

    it('never pairs two blocked block keys, and still pairs each with anyone else', async () => {
      const store = await createStore()
      for (const [id, key] of [
        ['a', 'ka'],
        ['b', 'kb'],
        ['c', 'kc'],
      ]) {
        await store.add({ id: id ?? '', name: id ?? '', ip: '10.0.0.1', blockKey: key }, 0)
      }
      await block('ka', 'kb')
      expect(await store.find('a', 0)).toEqual({ kind: 'queued' })
      expect(await store.find('b', 1)).toEqual({ kind: 'queued' })
      const outcome = await store.find('c', 2)
      if (outcome.kind !== 'matched') throw new Error(outcome.kind)
      expect(outcome.pairing.initiator.id).toBe('a')
      expect(await store.counts()).toEqual({ online: 3, searching: 1, chatting: 2, interests: [] })
    })

    it('refuses a second search and a search while chatting', async () => {
      const store = await storeWith('a', 'b')
      await store.find('a', 0)
      expect(await store.find('a', 0)).toEqual({ kind: 'already-searching' })
      await store.find('b', 0)
      expect(await store.find('a', 0)).toEqual({ kind: 'already-chatting' })
      expect(await store.find('nobody', 0)).toEqual({ kind: 'unknown-user' })
    })

    it('ends a chat for both sides and reports the partner', async () => {
      const store = await storeWith('a', 'b')
      await store.find('a', 0)
      const matched = await store.find('b', 0)
      const ended = await store.leave('b', 'skipped')
      expect(ended).toEqual({
        chatId: matched.kind === 'matched' ? matched.pairing.chatId : '',
        partner: 'a',
        reason: 'skipped',
      })
      expect(await store.leave('a', 'left')).toBeNull()
      expect(await store.partnerOf('a')).toBeNull()
      expect(await store.counts()).toEqual({ online: 2, searching: 0, chatting: 0, interests: [] })
    })

    it('removes a disconnected user from the queue and from their chat', async () => {
      const store = await storeWith('a', 'b', 'c')
      await store.find('a', 0)
      expect(await store.remove('a')).toBeNull()
      expect(await store.counts()).toEqual({ online: 2, searching: 0, chatting: 0, interests: [] })
      await store.find('b', 0)
      await store.find('c', 0)
      expect(await store.remove('c')).toMatchObject({ partner: 'b', reason: 'disconnected' })
      expect(await store.counts()).toEqual({ online: 1, searching: 0, chatting: 0, interests: [] })
      expect(await store.remove('c')).toBeNull()
    })

    it('cancels only a user who is searching', async () => {
      const store = await storeWith('a')
      expect(await store.cancel('a')).toBe(false)
      await store.find('a', 0)
      expect(await store.cancel('a')).toBe(true)
      expect(await store.counts()).toEqual({ online: 1, searching: 0, chatting: 0, interests: [] })
    })

    it('keeps the last partners apart and pairs each with the next newcomer in FIFO order', async () => {
      const store = await storeWith('a', 'b', 'c', 'd')
      await store.find('a', 0)
      await store.find('b', 0)
      await store.leave('a', 'skipped')
      expect(await store.find('b', 1)).toEqual({ kind: 'queued' })
      expect(await store.find('a', 2)).toEqual({ kind: 'queued' })
      const c = await store.find('c', 3)
      expect(c.kind === 'matched' && c.pairing.initiator.id).toBe('b')
      const d = await store.find('d', 4)
      expect(d.kind === 'matched' && d.pairing.initiator.id).toBe('a')
    })

    it('passes over an avoided queue head to the next waiter', async () => {
      const store = await storeWith('x', 'a', 'b')
      await store.find('x', 0)
      await store.find('a', 0)
      await store.leave('x', 'left') // x's last partner: a
      await store.find('a', 0)
      await store.find('b', 0)
      await store.leave('a', 'left') // a and b now avoid each other
      await store.find('a', 1)
      await store.find('b', 2)
      expect((await store.counts()).searching).toBe(2)
      const outcome = await store.find('x', 3)
      expect(outcome.kind === 'matched' && outcome.pairing.initiator.id).toBe('b')
    })

    it('caps connections per address, and frees a slot on removal', async () => {
      const store = await createStore()
      const arrive = (id: string, ip: string) => store.add({ id, name: id, ip }, 2)
      expect(await arrive('a', '10.0.0.1')).toBe('added')
      expect(await arrive('b', '10.0.0.1')).toBe('added')
      expect(await arrive('c', '10.0.0.1')).toBe('too-many-connections')
      expect(await arrive('d', '10.0.0.2')).toBe('added')
      await store.remove('a')
      expect(await arrive('c', '10.0.0.1')).toBe('added')
      expect((await store.counts()).online).toBe(3)
    })

    describe('resuming', () => {
      const back = (resumeKey: string, ip = '10.0.0.1', relayRoom = `room-${resumeKey}`) => ({
        ip,
        resumeKey,
        relayRoom,
      })
      const arrive = (store: MatchStore, id: string, ip = '10.0.0.1') =>
        store.add({ id, name: `name-${id}`, ip, resumeKey: `key-${id}` }, 1)

      it('holds a lost session out of the queue with its chat and counts, and gives it back once', async () => {
        const store = await createStore()
        for (const id of ['a', 'b', 'w']) await arrive(store, id, `10.0.0.${id}`)
        await store.find('a', 0, 'room-a')
        await store.find('b', 0, 'room-b')
        await store.find('w', 0, 'room-w')
        expect(await store.suspend('key-a', 60_000, 0)).toBe(true)
        expect(await store.suspend('key-w', 60_000, 0)).toBe(true)
        expect(await store.suspend('key-w', 60_000, 0)).toBe(false)
        expect(await store.counts()).toEqual({ online: 3, searching: 0, chatting: 2, interests: [] })
        const outcome = await store.resume('key-a', back('key-a2', '10.0.0.a'), 1, 1)
        expect(outcome).toEqual({
          kind: 'resumed',
          session: {
            id: 'a',
            name: 'name-a',
            chat: { chatId: expect.any(String), partner: 'b', partnerRoom: 'room-b' },
            lastPartner: null,
          },
        })
        expect(await store.resume('key-a', back('key-a3'), 1, 1)).toEqual({ kind: 'unknown' })
        const searcher = await store.resume('key-w', back('key-w2', '10.0.0.w'), 1, 1)
        expect(searcher.kind === 'resumed' && searcher.session.chat).toBeNull()
        // b's partner resumed in another room: a partner resuming later reads that one.
        await store.suspend('key-b', 60_000, 0)
        const partner = await store.resume('key-b', back('key-b2', '10.0.0.b'), 1, 1)
        expect(partner.kind === 'resumed' && partner.session.chat?.partnerRoom).toBe('room-key-a2')
      })

      it('takes the new address’s block key with a resumed session: blocks follow the person', async () => {
        const store = await createStore()
        await store.add({ id: 'a', name: 'A', ip: '10.0.0.1', resumeKey: 'key-a', blockKey: 'old' }, 0)
        await store.add({ id: 'b', name: 'B', ip: '10.0.0.2', blockKey: 'kb' }, 0)
        expect((await store.resume('key-a', { ...back('key-a2', '10.0.0.9'), blockKey: 'new' }, 0, 0)).kind).toBe(
          'resumed',
        )
        await store.find('a', 0)
        const outcome = await store.find('b', 1)
        expect(outcome.kind === 'matched' && outcome.pairing.initiator.blockKey).toBe('new')
      })

      it('takes a session from a connection still holding it, and ignores that connection’s removal', async () => {
        const store = await createStore()
        await arrive(store, 'a')
        await store.find('a', 0)
        expect((await store.resume('key-a', back('key-new'), 1, 0)).kind).toBe('resumed')
        expect(await store.counts()).toEqual({ online: 1, searching: 0, chatting: 0, interests: [] })
        expect(await store.remove('a', 'key-a')).toBeNull()
        expect(await store.suspend('key-a', 60_000, 0)).toBe(false)
        expect((await store.counts()).online).toBe(1)
      })

      it('keeps the address slot through the grace; a resume from another address needs room there', async () => {
        const store = await createStore()
        await arrive(store, 'a', '10.0.0.1')
        await arrive(store, 'b', '10.0.0.2')
        await store.suspend('key-a', 60_000, 0)
        expect(await arrive(store, 'c', '10.0.0.1')).toBe('too-many-connections')
        expect(await store.resume('key-a', back('key-a2', '10.0.0.2'), 1, 1)).toEqual({ kind: 'too-many-connections' })
        expect((await store.resume('key-a', back('key-a2', '10.0.0.1'), 1, 1)).kind).toBe('resumed')
        await store.remove('b')
        await store.suspend('key-a2', 60_000, 2)
        expect((await store.resume('key-a2', back('key-a3', '10.0.0.2'), 1, 3)).kind).toBe('resumed')
        expect(await arrive(store, 'c', '10.0.0.1')).toBe('added')
      })

      it('removes a session whose grace ran out, ending its chat; its key resumes nothing', async () => {
        const store = await createStore()
        await arrive(store, 'a', '10.0.0.1')
        await arrive(store, 'b', '10.0.0.2')
        await store.find('a', 0)
        const pairing = await store.find('b', 0)
        await store.suspend('key-a', 1, 0)
        const expiry = await eventually(
          () => store.expireGraces(10_000),
          ({ expired }) => expired === 1,
        )
        expect(expiry.ended).toEqual([
          { chatId: pairing.kind === 'matched' ? pairing.pairing.chatId : '', partner: 'b', reason: 'disconnected' },
        ])
        expect(await store.resume('key-a', back('key-a2'), 1, 10_000)).toEqual({ kind: 'unknown' })
        expect(await store.counts()).toEqual({ online: 1, searching: 0, chatting: 0, interests: [] })
        expect(await arrive(store, 'c', '10.0.0.1')).toBe('added')
      })
    })

    it('makes 500 disjoint pairs and one waiter from 1,001 concurrent searches', async () => {
      const ids = Array.from({ length: 1001 }, (_, i) => `u${i}`)
      const store = await storeWith(...ids)
      const outcomes = await Promise.all(ids.map((id) => store.find(id, 0)))
      const paired = new Set<string>()
      for (const outcome of outcomes) {
        if (outcome.kind !== 'matched') continue
        const { initiator, responder } = outcome.pairing
        expect(initiator.id).not.toBe(responder.id)
        for (const id of [initiator.id, responder.id]) {
          expect(paired.has(id)).toBe(false)
          paired.add(id)
        }
      }
      expect(paired.size).toBe(1000)
      expect(await store.counts()).toEqual({ online: 1001, searching: 1, chatting: 1000, interests: [] })
    })
  })
}
