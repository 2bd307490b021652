// One node's lease, reaper, recovery and retirement (signaling/cluster/liveness.ts) in this process,
// over a real redis-server: a wrapped store makes a step slow or fail exactly where a test needs it.
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createLiveness, type Liveness, type LivenessHooks } from '../../signaling/cluster/liveness.ts'
import { redisRunId } from '../../signaling/cluster/redis-connections.ts'
import { createLogger } from '../../signaling/logger.ts'
import { createRedisStore, type RedisMatchStore } from '../../signaling/store/redis-store.ts'
import type { Ended } from '../../signaling/store/store.ts'
import { startRedis, type TestRedis } from '../support/redis.ts'

let redis: TestRedis
const clients: Redis[] = []
const started: Liveness[] = []

beforeAll(async () => {
  redis = await startRedis()
})

afterEach(async () => {
  await Promise.allSettled(started.splice(0).map((liveness) => liveness.retire()))
  for (const client of clients.splice(0)) client.disconnect()
  await redis.client.flushall()
})

afterAll(() => redis.stop())

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

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
        await sleep(1500)
        return reaped
      },
    }
    const { liveness, ended } = liveNode(slow)
    await liveness.start()
    await store.add({ id: 'x', name: 'X', ip: '10.0.0.1' }, 0)
    await staying.add({ id: 'y', name: 'Y', ip: '10.0.0.2' }, 0)
    await store.find('x', 0)
    const pair = await staying.find('y', 1)
    await sleep(1200) // the heartbeat has ticked

    await liveness.retire()
    expect(ended).toEqual([
      { chatId: pair.kind === 'matched' ? pair.pairing.chatId : '', partner: 'y', reason: 'disconnected' },
    ])
    expect(await redis.client.zscore('hush:nodes', 'leaving')).toBeNull()
    expect(await redis.client.exists('hush:u:x', 'hush:node:leaving:users', 'hush:node:leaving:ips')).toBe(0)
    expect(await staying.counts()).toEqual({ online: 1, searching: 0, chatting: 0 })
  })
})
