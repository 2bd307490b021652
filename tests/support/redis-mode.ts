// Setup file of the integration-redis project: the same integration suites, every test server
// backed by Redis (a redis-server of this test file's own, so files running in parallel never share a queue).
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { startRedis, type TestRedis } from './redis.ts'
import { useRedisForTestServers } from './signaling.ts'

let redis: TestRedis

beforeAll(async () => {
  redis = await startRedis()
  useRedisForTestServers(redis.url)
})

// Per-address connect counters live a minute in Redis, across test servers: each test starts with none.
beforeEach(async () => {
  const counters = await redis.client.keys('hush:rl:*')
  if (counters.length > 0) await redis.client.del(...counters)
})

afterAll(async () => {
  useRedisForTestServers(null)
  // Proof that the suite ran on Redis, not silently in memory.
  const scriptCalls = /^cmdstat_evalsha:calls=(\d+)/m.exec(await redis.client.info('commandstats'))?.[1]
  await redis.stop()
  if (!scriptCalls || Number(scriptCalls) === 0) throw new Error('no store script ran in Redis')
})
