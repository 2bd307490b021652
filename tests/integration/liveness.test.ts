// One node's lease, reaper, recovery and retirement (signaling/cluster/liveness.ts) in this process,
// over a real redis-server: a wrapped store makes a step slow or fail exactly where a test needs it.
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createLiveness, type Liveness, type LivenessHooks } from '../../signaling/cluster/liveness.ts'
import { connectRedis, redisRunId } from '../../signaling/cluster/redis-connections.ts'
import { createLogger } from '../../signaling/logger.ts'
import { createRedisStore, type LocalUser, type RedisMatchStore } from '../../signaling/store/redis-store.ts'
import { StoreUnavailableError, type Ended } from '../../signaling/store/store.ts'
import { startRedis, type TestRedis } from '../support/redis.ts'
import { pause, until } from '../support/timing.ts'

let redis: TestRedis
const clients: Redis[] = []
const started: Liveness[] = []
const cleanups: Array<() => Promise<void>> = []

beforeAll(async () => {
  redis = await startRedis()
})

afterEach(async () => {
  await Promise.allSettled(started.splice(0).map((liveness) => liveness.retire()))
  for (const client of clients.splice(0)) client.disconnect()
  await Promise.allSettled(cleanups.splice(0).map((cleanup) => cleanup()))
  if (!redis.running()) await redis.start()
  await redis.client.flushall()
})

afterAll(() => redis.stop())

function storeOf(nodeId: string): RedisMatchStore {
  const client = new Redis(redis.url)
  clients.push(client)
  return createRedisStore(client, { nodeId })
}

/** A node's liveness over `store`, with hooks that record what it announces. */
function liveNode(store: RedisMatchStore, hooks: Partial<LivenessHooks> = {}) {
  const ended: Ended[] = []
  const liveness = createLiveness({
    store,
    redisRunId: () => redisRunId(redis.client),
    hooks: {
      localUsers: () => [],
      resumeSearches: async () => {},
      onEnded: (chats) => ended.push(...chats),
      onFenced: () => {},
      ...hooks,
    },
    logger: createLogger('silent'),
  })
  started.push(liveness)
  return { liveness, ended }
}

describe('retirement', () => {
  it('stops the heartbeat before it removes its own users, and tells their partners on other nodes', async () => {
    const staying = storeOf('staying')
    await staying.heartbeat(60_000, true)
    const store = storeOf('leaving')
    // Each reap answers late, as under load: a heartbeat meanwhile would register the node again.
    const slow: RedisMatchStore = {
      ...store,
      async reapNode(node, batch) {
        const reaped = await store.reapNode(node, batch)
        await pause(1500)
        return reaped
      },
    }
    const { liveness, ended } = liveNode(slow)
    await liveness.start()
    await store.add({ id: 'x', name: 'X', ip: '10.0.0.1' }, 0)
    await staying.add({ id: 'y', name: 'Y', ip: '10.0.0.2' }, 0)
    await store.find('x', 0)
    const pair = await staying.find('y', 1)
    await pause(1200) // the heartbeat has ticked

    await liveness.retire()
    expect(ended).toEqual([
      { chatId: pair.kind === 'matched' ? pair.pairing.chatId : '', partner: 'y', reason: 'disconnected' },
    ])
    expect(await redis.client.zscore('hush:nodes', 'leaving')).toBeNull()
    expect(await redis.client.exists('hush:u:x', 'hush:node:leaving:users', 'hush:node:leaving:ips')).toBe(0)
    expect(await staying.counts()).toEqual({ online: 1, searching: 0, chatting: 0, interests: [] })
  })
})

describe('being declared dead', () => {
  it('reports itself fenced until it has removed what the reaper left and registered again, then serves', async () => {
    const other = storeOf('other')
    await other.heartbeat(60_000, true)
    const store = storeOf('marked')
    let release = () => {}
    const released = new Promise<void>((resolve) => (release = resolve))
    // Its own reaping waits for the test, so the fenced state can be seen from outside.
    const held: RedisMatchStore = {
      ...store,
      async reapNode(node, batch) {
        await released
        return store.reapNode(node, batch)
      },
    }
    let fenced = 0
    const { liveness, ended } = liveNode(held, { onFenced: () => fenced++ })
    await liveness.start()
    await store.add({ id: 'x', name: 'X', ip: '10.0.0.1' }, 0)
    await other.add({ id: 'y', name: 'Y', ip: '10.0.0.2' }, 0)
    await store.find('x', 0)
    const pair = await other.find('y', 1)

    // A reaper marks the node and dies before removing anyone.
    await redis.client.zadd('hush:nodes', -1, 'marked')
    await until(() => liveness.state() === 'fenced')
    await expect(store.add({ id: 'z', name: 'Z', ip: '' }, 0)).rejects.toMatchObject({ code: 'unavailable' })
    release()
    await until(() => liveness.state() === 'ok')
    expect(fenced).toBe(1)
    expect(ended).toEqual([
      { chatId: pair.kind === 'matched' ? pair.pairing.chatId : '', partner: 'y', reason: 'disconnected' },
    ])
    expect(Number(await redis.client.zscore('hush:nodes', 'marked'))).toBeGreaterThan(0)
    expect(await other.counts()).toEqual({ online: 1, searching: 0, chatting: 0, interests: [] })
    expect(await store.add({ id: 'z', name: 'Z', ip: '' }, 0)).toBe('added')
  })
})

describe('rebuilding after Redis lost its data', () => {
  it('retries the removal of a user who left during a rebuild cut short, so nobody outlives their socket', async () => {
    // The node's own connection settings: while Redis is away, requests fail at once.
    const connections = connectRedis(redis.url, createLogger('silent'))
    cleanups.push(() => connections.close())
    await connections.ready()
    const store = createRedisStore(connections.command, { nodeId: 'rebuilt' })
    const sockets = new Map<string, LocalUser>()
    let attempts = 0
    const flaky: RedisMatchStore = {
      ...store,
      async restore(users) {
        if (++attempts > 1) return store.restore(users)
        // The first batch goes through, its user leaves (the removal fails: still rebuilding), then Redis fails.
        await store.restore(users.slice(0, 1))
        sockets.delete(users[0]!.id)
        await expect(store.remove(users[0]!.id)).rejects.toBeInstanceOf(StoreUnavailableError)
        throw new StoreUnavailableError('Redis went away again mid-rebuild')
      },
    }
    const { liveness } = liveNode(flaky, { localUsers: () => [...sockets.values()] })
    await liveness.start()
    for (const id of ['early', 'late']) {
      await store.add({ id, name: id, ip: '' }, 0)
      sockets.set(id, {
        id,
        name: id,
        ip: '',
        state: 'idle',
        chatId: '',
        partner: '',
        lastPartner: '',
        resumeKey: '',
        relayRoom: '',
        blockKey: '',
      })
    }

    await redis.kill()
    await redis.start()
    await until(async () => (await redis.client.exists('hush:u:late')) === 1 && attempts > 1)
    await until(async () => (await redis.client.exists('hush:u:early')) === 0)
    expect(await store.counts()).toEqual({ online: 1, searching: 0, chatting: 0, interests: [] })
    expect(await redis.client.smembers('hush:node:rebuilt:users')).toEqual(['late'])
  })
})
