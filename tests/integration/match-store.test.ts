// One suite, two stores: the in-memory store and the Redis store must behave the same.
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMemoryStore } from '../../signaling/store/memory-store.ts'
import { createRedisStore, type RedisMatchStore } from '../../signaling/store/redis-store.ts'
import type { MatchStore } from '../../signaling/store/store.ts'
import { startRedis, type TestRedis } from '../support/redis.ts'

let redis: TestRedis
const clients: Redis[] = []

beforeAll(async () => {
  redis = await startRedis()
})

afterAll(async () => {
  for (const client of clients.splice(0)) client.disconnect()
  await redis.stop()
})

const leaseMs = 60_000

async function redisNode(nodeId: string): Promise<RedisMatchStore> {
  const client = new Redis(redis.url, { enableOfflineQueue: true })
  clients.push(client)
  const store = createRedisStore(client, { nodeId })
  await store.heartbeat(leaseMs, true)
  return store
}

const kinds: Array<[string, () => Promise<MatchStore>]> = [
  ['memory', async () => createMemoryStore()],
  [
    'redis',
    async () => {
      await redis.client.flushall()
      return redisNode('node-a')
    },
  ],
]

describe.each(kinds)('%s match store', (_kind, createStore) => {
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
    expect(outcome.pairing.initiator).toEqual({ id: 'a', name: 'name-a', relayRoom: 'room-a' })
    expect(outcome.pairing.responder).toEqual({ id: 'b', name: 'name-b', relayRoom: 'room-b' })
    expect(outcome.pairing.waitedMs).toBe(250)
    expect(outcome.pairing.chatId).toMatch(/^[0-9a-f-]{36}$/)
    expect(await store.partnerOf('a')).toBe('b')
    expect(await store.counts()).toEqual({ online: 2, searching: 0, chatting: 2 })
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
    expect(await store.counts()).toEqual({ online: 2, searching: 0, chatting: 0 })
  })

  it('removes a disconnected user from the queue and from their chat', async () => {
    const store = await storeWith('a', 'b', 'c')
    await store.find('a', 0)
    expect(await store.remove('a')).toBeNull()
    expect(await store.counts()).toEqual({ online: 2, searching: 0, chatting: 0 })
    await store.find('b', 0)
    await store.find('c', 0)
    expect(await store.remove('c')).toMatchObject({ partner: 'b', reason: 'disconnected' })
    expect(await store.counts()).toEqual({ online: 1, searching: 0, chatting: 0 })
    expect(await store.remove('c')).toBeNull()
  })

  it('cancels only a user who is searching', async () => {
    const store = await storeWith('a')
    expect(await store.cancel('a')).toBe(false)
    await store.find('a', 0)
    expect(await store.cancel('a')).toBe(true)
    expect(await store.counts()).toEqual({ online: 1, searching: 0, chatting: 0 })
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
    expect(await store.counts()).toEqual({ online: 1001, searching: 1, chatting: 1000 })
  })
})

describe('redis store across nodes', () => {
  it('pairs users of two nodes from one queue and keeps no key once they leave', async () => {
    await redis.client.flushall()
    const [a, b] = await Promise.all([redisNode('node-a'), redisNode('node-b')])
    await a.add({ id: 'x', name: 'X', ip: '10.0.0.1' }, 0)
    await b.add({ id: 'y', name: 'Y', ip: '10.0.0.1' }, 0)
    expect(await a.find('x', 0, 'room-x')).toEqual({ kind: 'queued' })
    const outcome = await b.find('y', 10, 'room-y')
    expect(outcome.kind === 'matched' && outcome.pairing.initiator).toEqual({ id: 'x', name: 'X', relayRoom: 'room-x' })
    expect(await a.counts()).toEqual(await b.counts())
    await a.remove('x')
    await b.remove('y')
    expect((await redis.client.keys('*')).sort()).toEqual(['hush:nodes'])
  })

  it('counts one address across nodes against the per-IP cap', async () => {
    await redis.client.flushall()
    const [a, b] = await Promise.all([redisNode('node-a'), redisNode('node-b')])
    expect(await a.add({ id: 'x', name: 'X', ip: '10.0.0.9' }, 2)).toBe('added')
    expect(await b.add({ id: 'y', name: 'Y', ip: '10.0.0.9' }, 2)).toBe('added')
    expect(await b.add({ id: 'z', name: 'Z', ip: '10.0.0.9' }, 2)).toBe('too-many-connections')
  })

  it('refuses users on a node without a lease', async () => {
    await redis.client.flushall()
    const client = new Redis(redis.url)
    clients.push(client)
    const store = createRedisStore(client, { nodeId: 'ghost' })
    await expect(store.add({ id: 'x', name: 'X', ip: '' }, 0)).rejects.toMatchObject({ code: 'unavailable' })
  })

  it('reaps a node whose lease ran out: its users leave the counts and queue, partners are reported', async () => {
    await redis.client.flushall()
    const live = await redisNode('live')
    const dying = await redisNode('dying')
    await dying.heartbeat(150, false) // a short lease that will not be renewed
    await live.add({ id: 'p', name: 'P', ip: '10.0.0.1' }, 0)
    await dying.add({ id: 'q', name: 'Q', ip: '10.0.0.1' }, 0)
    await dying.add({ id: 'w', name: 'W', ip: '10.0.0.1' }, 0)
    await dying.find('q', 0)
    const pairing = await live.find('p', 0)
    await dying.find('w', 0)
    expect(await live.counts()).toEqual({ online: 3, searching: 1, chatting: 2 })
    let reaped = await live.reap(100)
    for (let i = 0; i < 100 && reaped.node === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      reaped = await live.reap(100)
    }
    expect(reaped.node).toBe('dying')
    expect(reaped.ended).toEqual([
      { chatId: pairing.kind === 'matched' ? pairing.pairing.chatId : '', partner: 'p', reason: 'disconnected' },
    ])
    expect(await live.counts()).toEqual({ online: 1, searching: 0, chatting: 0 })
    expect(await dying.heartbeat(150, false)).toBe('missing')
    expect(await live.partnerOf('p')).toBeNull()
  })

  it('renews a lease that ran out but that no reaper touched (a Redis pause), and fences one being reaped', async () => {
    await redis.client.flushall()
    const late = await redisNode('late')
    await late.heartbeat(20, false)
    await late.add({ id: 'u1', name: 'U1', ip: '' }, 0)
    await late.add({ id: 'u2', name: 'U2', ip: '' }, 0)
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(await late.heartbeat(20, false)).toBe('ok')
    await new Promise((resolve) => setTimeout(resolve, 60))
    const reaper = await redisNode('reaper')
    expect((await reaper.reap(1)).node).toBe('late') // one of two users: reaping has begun
    expect(await late.heartbeat(leaseMs, false)).toBe('expired')
    expect((await reaper.reap(1)).node).toBe('late')
    expect(await late.heartbeat(leaseMs, false)).toBe('missing')
  })

  it('restores a node’s users after Redis lost its data', async () => {
    await redis.client.flushall()
    const store = await redisNode('node-a')
    await redis.client.flushall()
    expect(await store.heartbeat(leaseMs, false)).toBe('missing')
    expect(await store.heartbeat(leaseMs, true)).toBe('ok')
    const restored = await store.restore([
      { id: 'i', name: 'I', ip: '10.0.0.1', state: 'idle', chatId: '', partner: '' },
      { id: 's', name: 'S', ip: '10.0.0.1', state: 'idle', chatId: '', partner: '' },
      { id: 'c1', name: 'C1', ip: '10.0.0.1', state: 'chatting', chatId: 'k', partner: 'c2' },
      { id: 'c2', name: 'C2', ip: '10.0.0.1', state: 'chatting', chatId: 'k', partner: 'c1' },
    ])
    expect(restored).toBe(4)
    expect(await store.counts()).toEqual({ online: 4, searching: 0, chatting: 2 })
    expect(await store.restore([{ id: 'i', name: 'I', ip: '', state: 'idle', chatId: '', partner: '' }])).toBe(0)
    expect(await store.leave('c1', 'left')).toEqual({ chatId: 'k', partner: 'c2', reason: 'left' })
    await store.find('s', 5) // a restored searcher searches again
    const outcome = await store.find('i', 10)
    expect(outcome.kind === 'matched' && outcome.pairing.initiator.id).toBe('s')
  })
})
