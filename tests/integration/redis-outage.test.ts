// In-process signaling servers over a real redis-server of this file's own, for what only Redis can do
// to a node: answer late (SIGSTOP), go away, or lose what it held about a user.
import { io as connect } from 'socket.io-client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createRedisStore } from '../../signaling/store/redis-store.ts'
import { startRedis, type TestRedis } from '../support/redis.ts'
import {
  closeAll,
  connectClient,
  connectClients,
  metric,
  nextEvent,
  pair,
  request,
  startTestServer,
  useRedisForTestServers,
  type Client,
  type TestServer,
} from '../support/signaling.ts'
import { eventually } from '../support/timing.ts'

let redis: TestRedis

beforeAll(async () => {
  redis = await startRedis()
  useRedisForTestServers(redis.url)
})

afterEach(async () => {
  redis.resume() // a test that failed while Redis was frozen must not freeze the next one
  await closeAll()
  await redis.client.flushall()
})

afterAll(async () => {
  useRedisForTestServers(null)
  await redis.stop()
})

const offer = { type: 'offer', sdp: 'v=0\r\n' }

/** One more connection attempt: the code it was refused with, or null when let in. */
async function attempt(server: TestServer): Promise<string | null> {
  const extra = connect(server.url, { transports: ['websocket'], forceNew: true, reconnection: false })
  const outcome = await new Promise<string | null>((resolve) => {
    extra.once('connect_error', (error: Error & { data?: { code: string } }) => resolve(error.data?.code ?? 'none'))
    extra.once('connect', () => resolve(null))
  })
  extra.close()
  return outcome
}

describe('a registration that times out', () => {
  it('leaves no ghost user behind: the online count and the address slot come back once Redis answers', async () => {
    const server = await startTestServer({ MAX_CONN_PER_IP: '2' })
    await connectClient(server)
    const online = () => redis.client.hget('hush:stats', 'online')
    const addressSlots = async () => {
      const keys = await redis.client.keys('hush:node:*:ips')
      const counts = await Promise.all(keys.map((key) => redis.client.hvals(key)))
      return counts.flat().reduce((sum, count) => sum + Number(count), 0)
    }
    expect([await online(), await addressSlots()]).toEqual(['1', 1])
    redis.pause()
    // The registration script waits in Redis while the node gives up on it (2 s command timeout).
    expect(await attempt(server)).toBe('unavailable')
    redis.resume()
    await eventually(
      async () => [await online(), await addressSlots()],
      ([users, slots]) => users === '1' && slots === 1,
    )
    // The address holds one connection again, so its second one (of two) is let in.
    expect(await attempt(server)).toBeNull()
  })
})

describe('/metrics', () => {
  it('answers while Redis is down, with the last counts known and no Redis call per scrape', async () => {
    const server = await startTestServer()
    await connectClients(server, 2)
    await eventually(
      () => metric(server, 'hush_online'),
      (online) => online === 2,
    )
    // Redis frozen: a scrape that waited on a Redis call would hang until the command timeout (2 s).
    redis.pause()
    try {
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(1_000) })
        expect(response.status).toBe(200)
      }
    } finally {
      redis.resume()
    }

    await redis.kill()
    try {
      const response = await fetch(`${server.url}/metrics`)
      expect(response.status).toBe(200)
      const text = await response.text()
      expect(text).toMatch(/^hush_connections 2$/m)
      expect(text).toMatch(/^hush_online 2$/m)
    } finally {
      await redis.start()
    }
  })
})

describe('a user Redis no longer knows', () => {
  it('is answered unavailable (retry soon), and never disconnected for it', async () => {
    const server = await startTestServer({ MATCH_RATE_BURST: '100' })
    const [user, other] = await connectClients(server, 2)
    let disconnected = false
    user!.once('disconnect', () => (disconnected = true))
    // What a node sees after Redis lost its data and before its rebuild: the user's record is gone.
    await redis.client.del(`hush:u:${user!.welcome.id}`)
    // 40 of them: beyond the abuse allowance (30) if they were held against the client.
    const answers = await Promise.all(Array.from({ length: 40 }, () => request(user!, 'match:find', {})))
    expect(answers.map((answer) => answer.error?.code)).toEqual(Array(40).fill('unavailable'))
    expect((await request(other!, 'match:find', {})).data).toEqual({ status: 'queued' })
    expect((await request(user!, 'match:cancel')).error?.code).toBe('not-searching')
    expect(disconnected).toBe(false)
  })
})

describe('a chat whose end notice was lost (pub/sub is at most once)', () => {
  /** A user of one node and a partner of another, whose leave Redis ran but whose notice never arrived. */
  async function chatEndedUnannounced() {
    const nodes = [await startTestServer(), await startTestServer()] as const
    const user = await connectClient(nodes[0])
    const partner = await connectClient(nodes[1])
    await pair(user, partner)
    await createRedisStore(redis.client, { nodeId: 'elsewhere' }).leave(partner.welcome.id, 'left')
    return { nodes, user }
  }

  /** A newcomer on the other node is paired with the user, and their signals reach the user. */
  async function pairedAgain(user: Client, server: TestServer) {
    const newcomer = await connectClient(server)
    const found = nextEvent(user, 'match:found')
    await request(newcomer, 'match:find', {})
    expect((await found).partner.name).toBe(newcomer.welcome.name)
    const atUser = nextEvent(user, 'signal:relay', 2000)
    expect((await request(newcomer, 'signal:relay', offer)).error).toBeNull()
    expect(await atUser).toEqual(offer)
  }

  it('is forgotten when match:leave is answered not-paired: back in the lobby, nothing to relay to', async () => {
    const { nodes, user } = await chatEndedUnannounced()
    const counts = nextEvent(user, 'presence:update')
    expect((await request(user, 'match:leave', { reason: 'left' })).error?.code).toBe('not-paired')
    expect((await request(user, 'signal:relay', offer)).error?.code).toBe('not-paired')
    await counts // a user back in the lobby gets the counts at once
    await request(user, 'match:find', {})
    await pairedAgain(user, nodes[1])
  })

  it('is forgotten when match:find is accepted: in the lobby while searching, nothing to relay to', async () => {
    const { nodes, user } = await chatEndedUnannounced()
    const counts = nextEvent(user, 'presence:update')
    expect((await request(user, 'match:find', {})).data).toEqual({ status: 'queued' })
    expect((await request(user, 'signal:relay', offer)).error?.code).toBe('not-paired')
    await counts
    await pairedAgain(user, nodes[1])
  })
})
