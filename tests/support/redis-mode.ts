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

// Each test starts with an empty Redis: per-address connect counters live a minute, and a stopped test
// server hands its sessions on for their resume grace (another node could take them back), where they
// would still count as online.
beforeEach(async () => {
  await redis.client.flushall()
})

afterAll(async () => {
  useRedisForTestServers(null)
  // Proof that the suite ran on Redis, not silently in memory.
  const scriptCalls = /^cmdstat_evalsha:calls=(\d+)/m.exec(await redis.client.info('commandstats'))?.[1]
  await redis.stop()
  if (!scriptCalls || Number(scriptCalls) === 0) throw new Error('no store script ran in Redis')
})
