// The store suite on Redis (the memory store runs it in tests/unit/match-store.test.ts), and Redis across nodes.
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStore, type RedisMatchStore } from '../../signaling/store/redis-store.ts'
import { describeInterestMatching, searchFor } from '../support/interest-store-suite.ts'
import { describeMatchStore } from '../support/match-store-suite.ts'
import { redisBlockWriter } from '../../signaling/safety/blocks.ts'
import { startRedis, type TestRedis } from '../support/redis.ts'
import { eventually, pause } from '../support/timing.ts'

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

async function redisNode(nodeId: string, interestWaitMs?: number): Promise<RedisMatchStore> {
  const client = new Redis(redis.url, { enableOfflineQueue: true })
  clients.push(client)
  const store = createRedisStore(client, { nodeId, interestWaitMs })
  await store.heartbeat(leaseMs, true)
  return store
}

describeMatchStore(
  'redis',
  async () => {
    await redis.client.flushall()
    return redisNode('node-a')
  },
  (a, b) => redisBlockWriter(redis.client)(a, b, Date.now() + 60_000, Date.now()),
)

describeInterestMatching('redis', async (interestWaitMs) => {
  await redis.client.flushall()
  return redisNode('node-a', interestWaitMs)
})

describe('redis store: a searcher leaves no key behind', () => {
  const queueKey = /^hush:(open:|tag:|fallback$|langs$|tags$|seq$)/
  /** The matcher's keys, found with SCAN as an operator would. */
  async function queueKeys(): Promise<string[]> {
    const keys: string[] = []
    let cursor = '0'
    do {
      const [next, batch] = await redis.client.scan(cursor, 'COUNT', 1000)
      cursor = next
      keys.push(...batch)
    } while (cursor !== '0')
    return keys.filter((key) => queueKey.test(key)).sort()
  }
  const everyKind = [
    searchFor(['music', 'chess'], { lang: 'en' }),
    searchFor(['art'], { strict: true }),
    searchFor(['film'], { lang: 'fr', signKey: `${'K'.repeat(43)}=` }),
    searchFor([], { lang: 'de' }),
    searchFor([], { lang: 'es' }),
  ]
  const ids = everyKind.map((_, i) => `s${i}`)

  it('after cancel, a lost connection, a pair, leave and disconnect, whatever they searched for', async () => {
    await redis.client.flushall()
    const store = await redisNode('node-a', 50)
    for (const id of ids) await store.add({ id, name: id, ip: '10.0.0.1', resumeKey: `key-${id}` }, 0)
    for (const [i, search] of everyKind.entries()) await store.find(ids[i]!, i, '', search)
    expect((await store.counts()).searching).toBe(5)
    expect(await queueKeys()).toEqual([
      'hush:fallback',
      'hush:langs',
      'hush:open:de',
      'hush:open:es',
      'hush:seq',
      'hush:tag:*:art',
      'hush:tag:en:chess',
      'hush:tag:en:music',
      'hush:tag:fr:film',
      'hush:tags',
    ])
    expect(await store.cancel('s0')).toBe(true)
    expect(await store.suspend('key-s1', 60_000, 0)).toBe(true)
    await store.remove('s2')
    expect((await store.resume('key-s3', { ip: '10.0.0.1', resumeKey: 'key-s3b', relayRoom: '' }, 0, 0)).kind).toBe(
      'resumed',
    )
    await store.remove('s4')
    expect(await queueKeys()).toEqual([])
    expect(await store.counts()).toMatchObject({ searching: 0, interests: [] })
    // A pair made by the fallback, then left and disconnected: nothing of the search remains.
    await store.find('s0', 10, '', searchFor(['music']))
    await store.find('s3', 11)
    expect(await store.fallback(10 + 50)).toHaveLength(1)
    expect(await queueKeys()).toEqual([])
    await store.leave('s0', 'left')
    for (const id of ['s0', 's1', 's3']) await store.remove(id)
    expect((await redis.client.keys('*')).sort()).toEqual(['hush:nodes'])
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
    expect(outcome.kind === 'matched' && outcome.pairing.initiator).toMatchObject({
      id: 'x',
      name: 'X',
      relayRoom: 'room-x',
    })
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
    expect(await live.counts()).toEqual({ online: 3, searching: 1, chatting: 2, interests: [] })
    const expired = await eventually(
      () => live.expiredNodes(10),
      (nodes) => nodes.length > 0,
    )
    expect(expired.map(({ node }) => node)).toEqual(['dying'])
    const reaped = await live.reapNode('dying', 100, expired[0]!.deadline)
    expect(reaped.status).toBe('done')
    expect(reaped.ended).toEqual([
      { chatId: pairing.kind === 'matched' ? pairing.pairing.chatId : '', partner: 'p', reason: 'disconnected' },
    ])
    expect(await live.counts()).toEqual({ online: 1, searching: 0, chatting: 0, interests: [] })
    expect(await dying.heartbeat(150, false)).toBe('missing')
    expect(await live.partnerOf('p')).toBeNull()
  })

  it('renews a lease that ran out but that no reaper touched (a Redis pause), and fences one being reaped', async () => {
    await redis.client.flushall()
    const late = await redisNode('late')
    await late.heartbeat(20, false)
    await late.add({ id: 'u1', name: 'U1', ip: '' }, 0)
    await late.add({ id: 'u2', name: 'U2', ip: '' }, 0)
    await pause(60)
    expect(await late.heartbeat(20, false)).toBe('ok')
    await pause(60)
    const reaper = await redisNode('reaper')
    const [seen] = await reaper.expiredNodes(10)
    expect(seen?.node).toBe('late')
    expect((await reaper.reapNode('late', 1, seen!.deadline)).status).toBe('more') // one of two: reaping has begun
    expect(await late.heartbeat(leaseMs, false)).toBe('expired')
    // Even when registering: the node must remove the rest of its users first.
    expect(await late.heartbeat(leaseMs, true)).toBe('expired')
    expect((await reaper.reapNode('late', 1, seen!.deadline)).status).toBe('done')
    expect(await late.heartbeat(leaseMs, false)).toBe('missing')
  })

  it('leaves alone a node that heartbeated after a reaper saw its lease run out (a step of the Redis clock)', async () => {
    await redis.client.flushall()
    const stepped = await redisNode('stepped')
    await stepped.heartbeat(20, false)
    await stepped.add({ id: 'u1', name: 'U1', ip: '' }, 0)
    await pause(60)
    const reaper = await redisNode('reaper')
    const [seen] = await reaper.expiredNodes(10)
    expect(seen?.node).toBe('stepped')
    expect(await stepped.heartbeat(20, false)).toBe('ok') // renewed; run out again by the time the reaper acts
    await pause(60)
    expect(await reaper.reapNode('stepped', 100, seen!.deadline)).toEqual({ status: 'alive', ended: [] })
    expect(await reaper.counts()).toEqual({ online: 1, searching: 0, chatting: 0, interests: [] })
  })

  it('restores a node’s users after Redis lost its data, with their last partners and block keys', async () => {
    await redis.client.flushall()
    const store = await redisNode('node-a')
    await redis.client.flushall()
    expect(await store.heartbeat(leaseMs, false)).toBe('missing')
    expect(await store.heartbeat(leaseMs, true)).toBe('ok')
    const unresumable = { resumeKey: '', relayRoom: '', blockKey: '' }
    const idle = { ip: '10.0.0.1', state: 'idle', chatId: '', partner: '', ...unresumable } as const
    const restored = await store.restore([
      { id: 'i', name: 'I', ...idle, lastPartner: '', blockKey: 'key-i' },
      { id: 's', name: 'S', ...idle, lastPartner: 'x' },
      { id: 'x', name: 'X', ...idle, lastPartner: 's' },
      {
        id: 'c1',
        name: 'C1',
        ip: '10.0.0.1',
        state: 'chatting',
        chatId: 'k',
        partner: 'c2',
        lastPartner: '',
        ...unresumable,
      },
      {
        id: 'c2',
        name: 'C2',
        ip: '10.0.0.1',
        state: 'chatting',
        chatId: 'k',
        partner: 'c1',
        lastPartner: '',
        ...unresumable,
      },
    ])
    expect(restored).toBe(5)
    // Blocks and bans go on applying to a restored user (the find script reads `b`).
    expect(await redis.client.hget('hush:u:i', 'b')).toBe('key-i')
    expect(await redis.client.hexists('hush:u:s', 'b')).toBe(0)
    expect(await store.counts()).toEqual({ online: 5, searching: 0, chatting: 2, interests: [] })
    expect(await store.restore([{ id: 'i', name: 'I', ...idle, ip: '', lastPartner: '' }])).toBe(0)
    expect(await store.leave('c1', 'left')).toEqual({ chatId: 'k', partner: 'c2', reason: 'left' })
    await store.find('s', 5) // a restored searcher searches again
    expect(await store.find('x', 6)).toEqual({ kind: 'queued' }) // not with s, whom x had just left
    const outcome = await store.find('i', 10)
    expect(outcome.kind === 'matched' && outcome.pairing.initiator.id).toBe('s')
  })
})
