// Several real signaling processes over one real redis-server: one population across nodes, and
// what happens when a node is killed or Redis restarts.
import { io as connect } from 'socket.io-client'
import { describe, expect, it } from 'vitest'
import { startNodes, useClusterRedis } from '../support/cluster.ts'
import {
  connectClient,
  connectClients,
  nextEvent,
  pair,
  presenceWhere,
  quiet,
  request,
  type Client,
} from '../support/signaling.ts'
import { eventually, pause } from '../support/timing.ts'
import { relaysBothWays } from '../support/resume.ts'
import { confirmExpiryMs, heartbeatIntervalMs, leaseMs } from '../../signaling/cluster/liveness.ts'
import { inbox, numberedFrame } from '../support/frames.ts'
import { createRedisStore } from '../../signaling/store/redis-store.ts'

const redis = useClusterRedis()

const offer = { type: 'offer', sdp: 'v=0\r\n' }

/** One connection attempt: 'admitted', or the code it was refused with. */
async function attempt(url: string): Promise<string | undefined> {
  const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false })
  const outcome = await new Promise<string | undefined>((resolve) => {
    socket.once('connect', () => resolve('admitted'))
    socket.once('connect_error', (error: Error & { data?: { code: string } }) => resolve(error.data?.code))
  })
  socket.close()
  return outcome
}

async function refusalCode(url: string): Promise<string | undefined> {
  const outcome = await attempt(url)
  if (outcome === 'admitted') throw new Error('admitted, not refused')
  return outcome
}

/** /healthz as a load balancer sees it. */
const health = async (url: string) => {
  const response = await fetch(`${url}/healthz`)
  return { code: response.status, ...((await response.json()) as { status: string }) }
}

/** The id under which the node serving this client holds its lease. */
const nodeOf = async (client: Client & { welcome: { id: string } }) =>
  (await redis.client.hget(`hush:u:${client.welcome.id}`, 'node')) ?? ''

const disconnectAll = (clients: Client[]) =>
  Promise.all(
    clients.map((client) => {
      const closed = new Promise((resolve) => client.once('disconnect', resolve))
      client.disconnect()
      return closed
    }),
  )

describe('two nodes', () => {
  it('pairs users of different nodes and relays between them, to the partner only', async () => {
    const [one, two] = await startNodes(redis.url, 2)
    const a = await connectClient(one!)
    const b = await connectClient(two!)
    const bystander = await connectClient(one!)
    const found = await pair(a, b)
    expect(found.a.chatId).toBe(found.b.chatId)
    expect(found.a.partner.name).toBe(b.welcome.name)
    expect(found.b.partner.name).toBe(a.welcome.name)
    expect([found.a.initiator, found.b.initiator].sort()).toEqual([false, true])

    await relaysBothWays(a, b)
    expect(await quiet(bystander, 'signal:relay')).toBe(true)
  })

  it('relays sealed frames to the partner on the other node, in order and byte for byte, and to nobody else', async () => {
    const [one, two] = await startNodes(redis.url, 2)
    const a = await connectClient(one!)
    const b = await connectClient(two!)
    const [bystanderOne, bystanderTwo] = [await connectClient(one!), await connectClient(two!)]
    await pair(a, b)
    const [atA, atB] = [inbox(a), inbox(b)]
    const sent = Array.from({ length: 100 }, (_, n) => numberedFrame(n, n % 2 === 0 ? 200 : 4096))
    for (const frame of sent) a.emit('relay:frame', frame)
    const reply = numberedFrame(1000, 16 * 1024)
    b.emit('relay:frame', reply)
    await atB.holds(100)
    await atA.holds(1)
    expect(atB.frames).toEqual(sent)
    expect(atA.frames).toEqual([reply])
    expect(await quiet(bystanderOne, 'relay:frame')).toBe(true)
    expect(await quiet(bystanderTwo, 'relay:frame', 0)).toBe(true)

    // A chat later, the old partner on the other node gets nothing more.
    const ended = nextEvent(b, 'match:ended')
    await request(a, 'match:leave', { reason: 'left' })
    await ended
    await pair(a, bystanderTwo)
    const atNew = inbox(bystanderTwo)
    a.emit('relay:frame', numberedFrame(2000))
    await atNew.holds(1)
    expect(await quiet(b, 'relay:frame')).toBe(true)
    expect(atB.frames).toHaveLength(100)
  })

  it('relays through one channel per socket, subscribed by its node only, renewed after a chat', async () => {
    const [one, two] = await startNodes(redis.url, 2)
    const a = await connectClient(one!)
    const b = await connectClient(two!)
    const relayChannels = async () =>
      ((await redis.client.call('PUBSUB', 'SHARDCHANNELS', 'hush-io#/#r:*')) as string[]).sort()
    const before = await eventually(relayChannels, (channels) => channels.length === 2)
    await pair(a, b)
    const atB = nextEvent(b, 'signal:relay')
    await request(a, 'signal:relay', offer)
    expect(await atB).toEqual(offer)
    await request(a, 'match:leave', { reason: 'left' })
    // Both sides moved to new rooms (a late signal of that chat reaches nobody), none left behind.
    await eventually(
      relayChannels,
      (channels) => channels.length === 2 && !channels.some((channel) => before.includes(channel)),
    )
    await disconnectAll([a, b])
    await eventually(relayChannels, (channels) => channels.length === 0)
  })

  it('tells the partner on the other node when a chat ends, and relays no more', async () => {
    const [one, two] = await startNodes(redis.url, 2)
    const [a, c] = await connectClients(one!, 2)
    const b = await connectClient(two!)
    const { b: found } = await pair(a!, b)
    const ended = nextEvent(b, 'match:ended')
    expect((await request(a!, 'match:leave', { reason: 'skipped' })).error).toBeNull()
    expect(await ended).toEqual({ chatId: found.chatId, reason: 'skipped' })
    expect((await request(b, 'signal:relay', offer)).error?.code).toBe('not-paired')
    // No immediate rematch across nodes either: b waits for someone new (c), not a.
    await request(a!, 'match:find', {})
    expect((await request(b, 'match:find', {})).data).toEqual({ status: 'queued' })
    const foundC = nextEvent(c!, 'match:found')
    await request(c!, 'match:find', {})
    expect((await foundC).partner.name).toBe(a!.welcome.name)
    const gone = nextEvent(c!, 'match:ended')
    a!.disconnect()
    expect((await gone).reason).toBe('disconnected')
  })

  it('tells partners on the other node at once when a node shuts down gracefully, and retires it', async () => {
    // With resume on, a stopping node hands its sessions on for their grace instead (resume-cluster.test.ts).
    const [one, two] = await startNodes(redis.url, 2, { RESUME_GRACE_S: '0' })
    const stays = await connectClient(one!)
    const goes = await connectClient(two!)
    const { a: found } = await pair(stays, goes)
    const ended = nextEvent(stays, 'match:ended')
    const notTold = quiet(stays, 'session:error', 1500)
    await two!.stop()
    expect(await ended).toEqual({ chatId: found.chatId, reason: 'disconnected' })
    expect(await notTold).toBe(true) // the shutdown notice is for the stopping node's clients only
    await presenceWhere(stays, (p) => p.online === 1 && p.chatting === 0)
    expect(await redis.client.zcard('hush:nodes')).toBe(1)
    expect(await redis.client.keys('hush:node:*:users')).toHaveLength(1) // the survivor's only
  })

  it('puts a searcher back in the queue when their pair was made by a node that died before telling them', async () => {
    const [one, two] = await startNodes(redis.url, 2)
    const waiter = await connectClient(one!)
    await request(waiter, 'match:find', {})
    // What the reaper leaves behind: the waiter idle in Redis, and a match:ended for a chat never announced.
    expect(await createRedisStore(redis.client, { nodeId: 'elsewhere' }).cancel(waiter.welcome.id)).toBe(true)
    const notice = { kind: 'ended', chatId: 'never-announced', reason: 'disconnected' }
    // A server-side emit as the sharded adapter sends it (type 9), on the namespace's main channel.
    await redis.client.spublish(
      'hush-io#/#',
      JSON.stringify({ uid: 'test', nsp: '/', type: 9, data: { packet: ['hush:notice', waiter.welcome.id, notice] } }),
    )
    await eventually(
      () => redis.client.zcard('hush:open:*'), // searchers for anyone, in any language
      (queued) => queued === 1,
    )
    const newcomer = await connectClient(two!)
    const found = nextEvent(waiter, 'match:found')
    await request(newcomer, 'match:find', {})
    expect((await found).partner.name).toBe(newcomer.welcome.name)
    expect(await quiet(waiter, 'match:ended')).toBe(true)
  })

  it('shuts down cleanly (exit 0) with SIGTERM while Redis is down', async () => {
    const [node] = await startNodes(redis.url, 1)
    const client = await connectClient(node!)
    const told = nextEvent(client, 'session:error')
    await redis.kill()
    const stoppingAt = Date.now()
    await node!.stop()
    expect((await told).code).toBe('unavailable')
    expect(node!.exitCode()).toBe(0)
    expect(Date.now() - stoppingAt).toBeLessThan(3000) // not the 4.5 s forced exit
    await redis.start()
  })

  it('holds the per-IP connection cap and connect rate across nodes', async () => {
    const [one, two] = await startNodes(redis.url, 2, { MAX_CONN_PER_IP: '2', CONNECT_RATE_PER_MIN: '3' })
    const onlineIs = (count: string) =>
      eventually(
        () => redis.client.hget('hush:stats', 'online'),
        (online) => online === count,
      )
    const leave = async (client: Awaited<ReturnType<typeof connectClient>>, online: string) => {
      const closed = new Promise((resolve) => client.once('disconnect', resolve))
      client.disconnect()
      await closed
      await onlineIs(online)
    }
    const first = await connectClient(one!) // connect 1 of 3 this minute
    const second = await connectClient(two!) // 2 of 3
    // Refused by the cap on the other node; the attempt is given back, not counted.
    expect(await refusalCode(two!.url)).toBe('too-many-connections')
    await leave(first, '1')
    await connectClient(one!) // 3 of 3: a slot is free again, and the refused attempt did not count
    await leave(second, '1')
    expect(await refusalCode(one!.url)).toBe('rate-limited') // a slot is free, but the minute's connects are used
  })
})

describe('three nodes', () => {
  it('turns 1,001 simultaneous searches across nodes into 500 disjoint pairs and one waiter, with equal totals everywhere, and leaves no user keys', async () => {
    const nodes = await startNodes(redis.url, 3, { MATCH_RATE_BURST: '10', CONNECT_RATE_PER_MIN: '100000' })
    const clients = (await Promise.all(nodes.map((node, i) => connectClients(node, i === 0 ? 335 : 333)))).flat()
    expect(clients).toHaveLength(1001)
    const found = new Map<Client, { chatId: string; initiator: boolean }>()
    const allButOneFound = new Promise<void>((resolve) => {
      for (const client of clients) {
        client.once('match:found', (result) => {
          found.set(client, result)
          if (found.size === 1000) resolve()
        })
      }
    })
    const answers = await Promise.all(clients.map((client) => request(client, 'match:find', {})))
    expect(answers.every((answer) => answer.error === null)).toBe(true)
    await allButOneFound

    const watchers = await Promise.all(nodes.map((node) => connectClient(node)))
    const totals = (p: { online: number; searching: number; chatting: number }) =>
      p.online === 1004 && p.searching === 1 && p.chatting === 1000
    await Promise.all(watchers.map((watcher) => presenceWhere(watcher, totals, 10_000)))

    const byChat = new Map<string, Client[]>()
    for (const [client, result] of found) byChat.set(result.chatId, [...(byChat.get(result.chatId) ?? []), client])
    expect(byChat.size).toBe(500)
    for (const members of byChat.values()) {
      expect(members).toHaveLength(2)
      expect(members.filter((member) => found.get(member)?.initiator)).toHaveLength(1)
    }
    expect(
      await quiet(
        clients.find((client) => !found.has(client))!,
        'match:found',
        200,
      ),
    ).toBe(true)

    await disconnectAll([...clients, ...watchers])
    // Every key left has a TTL, or is the registry of live nodes, or the safety secret (made once, kept).
    const keysWithoutTtl = async () => {
      const keys = await redis.client.keys('*')
      const ttls = await Promise.all(keys.map((key) => redis.client.pttl(key)))
      return keys.filter((_, i) => ttls[i] === -1)
    }
    const lasting = await eventually(keysWithoutTtl, (keys) => keys.length === 2)
    expect(lasting.sort()).toEqual(['hush:nodes', 'hush:safety:secret'])
    expect(await redis.client.zcard('hush:nodes')).toBe(3)
  })

  it('forgets a node killed with SIGKILL within 15 s: totals, queue and partners', async () => {
    const [one, two, doomed] = await startNodes(redis.url, 3)
    const watcher = await connectClient(one!)
    const partner = await connectClient(two!)
    const [victim, waiter] = await connectClients(doomed!, 2)
    const { a: found } = await pair(partner, victim!)
    await request(waiter!, 'match:find', {})
    await presenceWhere(watcher, (p) => p.online === 4 && p.searching === 1 && p.chatting === 2)

    const ended = nextEvent(partner, 'match:ended', 15_000)
    const killedAt = Date.now()
    await doomed!.kill9()
    expect(await ended).toEqual({ chatId: found.chatId, reason: 'disconnected' })
    await presenceWhere(watcher, (p) => p.online === 2 && p.searching === 0 && p.chatting === 0, 15_000)
    expect(Date.now() - killedAt).toBeLessThan(15_000)
    expect(await redis.client.exists('hush:open:*', 'hush:seq', 'hush:langs')).toBe(0)
    expect(await redis.client.zcard('hush:nodes')).toBe(2)

    // The survivors pair with each other again.
    const newcomer = await connectClient(one!)
    const again = await pair(partner, newcomer)
    expect(again.a.partner.name).toBe(newcomer.welcome.name)
  })

  it('rides out a Redis freeze longer than the node lease: nobody dropped or reaped, the chat goes on', async () => {
    const [one, two] = await startNodes(redis.url, 2)
    const a = await connectClient(one!)
    const b = await connectClient(two!)
    const { a: chat } = await pair(a, b)
    let dropped = 0
    for (const client of [a, b]) client.on('disconnect', () => dropped++)
    const bystander = await connectClient(one!)
    redis.pause()
    // The scenario itself is a duration: frozen past the node lease, so every lease has run out.
    await pause(leaseMs - 2000)
    const during = request(bystander, 'match:cancel') // times out (2 s) while Redis is still frozen
    await pause(2500)
    expect((await during).error?.code).toBe('unavailable')
    redis.resume()
    // Healthy again: the pair still relays across nodes, and both nodes keep their leases.
    await eventually(
      async () => {
        const atB = nextEvent(b, 'signal:relay', 500).then(
          () => true,
          () => false,
        )
        await request(a, 'signal:relay', offer)
        return atB
      },
      (delivered) => delivered,
    )
    await pause(leaseMs + heartbeatIntervalMs) // one more lease: a reaper would have struck by now
    expect(await redis.client.zcard('hush:nodes')).toBe(2)
    expect(await redis.client.hget('hush:stats', 'chatting')).toBe('2')
    const ended = nextEvent(b, 'match:ended')
    expect((await request(a, 'match:leave', { reason: 'left' })).error).toBeNull()
    expect((await ended).chatId).toBe(chat.chatId)
    expect(dropped).toBe(0)
  })

  it('survives a Redis restart: unavailable while it is down, new pairs within 10 s of its return, chats kept', async () => {
    const nodes = await startNodes(redis.url, 2)
    const [one, two] = nodes
    const a = await connectClient(one!)
    const b = await connectClient(two!)
    const { a: chat } = await pair(a, b)
    const [searcher, late] = [await connectClient(one!), await connectClient(two!)]
    await request(searcher, 'match:find', {})
    const watcher = await connectClient(one!)
    await presenceWhere(watcher, (p) => p.online === 5 && p.searching === 1 && p.chatting === 2)

    await redis.kill()
    const refused = await request(late, 'match:find', {})
    expect(refused.error?.code).toBe('unavailable')
    // A relay to the other node is lost while Redis is down (the browsers retry), and crashes nothing.
    expect((await request(a, 'signal:relay', offer)).error).toBeNull()

    await redis.start()
    const backAt = Date.now()
    // Rebuilt from the nodes' live sockets: everyone online, the pair chatting.
    await eventually(
      () => redis.client.hgetall('hush:stats'),
      (stats) => stats.online === '5' && stats.chatting === '2',
    )
    const paired = nextEvent(late, 'match:found', 10_000)
    for (;;) {
      const retry = await request(late, 'match:find', {})
      if (retry.error?.code !== 'unavailable') break
      await pause(100)
    }
    expect((await paired).partner.name).toBe(searcher.welcome.name)
    expect(Date.now() - backAt).toBeLessThan(10_000)

    // The chat made before the restart still relays across nodes and ends cleanly.
    const atB = nextEvent(b, 'signal:relay')
    await request(a, 'signal:relay', offer)
    expect(await atB).toEqual(offer)
    const ended = nextEvent(b, 'match:ended')
    await request(a, 'match:leave', { reason: 'left' })
    expect((await ended).chatId).toBe(chat.chatId)
    expect(nodes.every((node) => node.alive())).toBe(true)
  })
})

describe('recovery', () => {
  it('recovers by itself when the reaper that marked it died mid-reap: drops its users, removes them, takes connections again', async () => {
    const [node] = await startNodes(redis.url, 1)
    // More than one reap batch (500), so what is left cannot go in one script call.
    const clients = await connectClients(node!, 600)
    await pair(clients[0]!, clients[1]!)
    const nodeId = await nodeOf(clients[0]!)
    const told = Promise.all(clients.map((client) => nextEvent(client, 'session:error', 10_000)))
    // What a reaper leaves when it dies right after marking the node: score -1, every user still there.
    await redis.client.zadd('hush:nodes', -1, nodeId)
    expect((await told).every((error) => error.code === 'unavailable')).toBe(true)
    await eventually(
      () => attempt(node!.url),
      (outcome) => outcome === 'admitted',
    )
    const newcomer = await connectClient(node!)
    expect(Number(await redis.client.zscore('hush:nodes', nodeId))).toBeGreaterThan(0)
    await eventually(
      () => redis.client.keys('hush:u:*'),
      (keys) => keys.length === 1,
    )
    expect(await redis.client.keys('hush:u:*')).toEqual([`hush:u:${newcomer.welcome.id}`])
    expect(await redis.client.hgetall('hush:stats')).toEqual({ online: '1' })
    expect(await health(node!.url)).toEqual({ code: 200, status: 'ok' })
  })

  it('answers /healthz 503 while it cannot reach Redis, and 200 again only once it has rebuilt', async () => {
    const [node] = await startNodes(redis.url, 1)
    await connectClient(node!)
    expect(await health(node!.url)).toEqual({ code: 200, status: 'ok' })
    await redis.kill()
    expect(
      await eventually(
        () => health(node!.url),
        (answer) => answer.code === 503,
      ),
    ).toEqual({
      code: 503,
      status: 'redis-unreachable',
    })
    await redis.start()
    await eventually(
      () => health(node!.url),
      (answer) => answer.code === 200,
    )
    expect(await redis.client.hget('hush:stats', 'online')).toBe('1')
  })

  it('when a node shuts down, it reaps its own users only: the partners of a node left half-reaped are still told', async () => {
    const [one, two, three] = await startNodes(redis.url, 3)
    const partner = await connectClient(one!)
    const victim = await connectClient(three!)
    const leaving = await connectClient(two!)
    const { a: chat } = await pair(partner, victim)
    const leavingId = await nodeOf(leaving)
    const ended = nextEvent(partner, 'match:ended', 15_000)
    // Node three dies, and so does the reaper that had just marked it (score -1, users untouched).
    const threeId = await nodeOf(victim)
    await three!.kill9()
    await redis.client.zadd('hush:nodes', -1, threeId)
    await two!.stop()
    expect(await ended).toEqual({ chatId: chat.chatId, reason: 'disconnected' })
    expect(await redis.client.zscore('hush:nodes', leavingId)).toBeNull()
    expect(await redis.client.exists(`hush:node:${leavingId}:users`)).toBe(0)
  })

  it('reaps nobody when the Redis clock steps forward: live nodes renew their leases before any reaper confirms', async () => {
    const [one, two] = await startNodes(redis.url, 2)
    const a = await connectClient(one!)
    const b = await connectClient(two!)
    await pair(a, b)
    let dropped = 0
    for (const client of [a, b]) client.on('disconnect', () => dropped++)
    const endedEarly = quiet(a, 'match:ended', 10_000)
    // The scenario is a duration: reapers start only after a full lease of healthy heartbeats.
    await pause(leaseMs + heartbeatIntervalMs)
    // A 30 s forward step of Redis TIME, as every script sees it: every lease deadline 30 s further in the past.
    await redis.client.eval(
      "local z = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES') for i = 1, #z, 2 do redis.call('ZADD', KEYS[1], tonumber(z[i + 1]) - tonumber(ARGV[1]), z[i]) end",
      1,
      'hush:nodes',
      30_000,
    )
    // Long enough for any reaper to see the stepped deadlines and confirm them.
    await pause(2 * confirmExpiryMs)
    expect(await redis.client.zcard('hush:nodes')).toBe(2)
    expect(await redis.client.hget('hush:stats', 'chatting')).toBe('2')
    const atB = nextEvent(b, 'signal:relay')
    expect((await request(a, 'signal:relay', offer)).error).toBeNull()
    expect(await atB).toEqual(offer)
    expect(await endedEarly).toBe(true)
    expect(dropped).toBe(0)
  })

  it('does not pair again, after a Redis restart, two searchers who had just skipped each other', async () => {
    const [one, two] = await startNodes(redis.url, 2)
    const a = await connectClient(one!)
    const b = await connectClient(two!)
    await pair(a, b)
    const endedAtB = nextEvent(b, 'match:ended')
    await request(a, 'match:leave', { reason: 'skipped' })
    await endedAtB
    expect((await request(a, 'match:find', {})).data).toEqual({ status: 'queued' })
    expect((await request(b, 'match:find', {})).data).toEqual({ status: 'queued' })
    const againAtA = quiet(a, 'match:found', 6000)
    const againAtB = quiet(b, 'match:found', 6000)
    await redis.kill()
    await redis.start()
    // Both nodes rebuilt and both searches resumed: two waiters, each the other's last partner.
    await eventually(
      () => redis.client.zcard('hush:open:*'),
      (queued) => queued === 2,
    )
    expect(await againAtA).toBe(true)
    expect(await againAtB).toBe(true)
    const c = await connectClient(one!)
    const found = nextEvent(c, 'match:found')
    await request(c, 'match:find', {})
    expect([a.welcome.name, b.welcome.name]).toContain((await found).partner.name)
  })
})
