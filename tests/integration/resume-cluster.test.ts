// Resuming across nodes: real signaling processes over one real redis-server (docs/scaling.md).
import { describe, expect, it } from 'vitest'
import { startNodes, useClusterRedis } from '../support/cluster.ts'
import { eventually } from '../support/timing.ts'
import { record, relaysBothWays } from '../support/resume.ts'
import { connectClient, dropConnection, nextEvent, pair, resumeClient, type Client } from '../support/signaling.ts'

const redis = useClusterRedis()

/** Waits until Redis holds the user's session in its grace (the node has seen the drop). */
const inGrace = (client: Client & { welcome: { id: string } }) =>
  eventually(
    () => redis.client.zscore('hush:grace', client.welcome.id),
    (deadline) => deadline !== null,
  )

describe('resuming on another node', () => {
  it('takes the chat back on another node: signals both ways, the partner told nothing', async () => {
    const [one, two] = await startNodes(redis.url, 2)
    const a = await connectClient(one!)
    const b = await connectClient(one!)
    const { a: chat } = await pair(a, b)
    const atB = record(b)
    await dropConnection(a)
    await inGrace(a)
    const back = await resumeClient(two!, a.welcome.resumeToken)
    expect(back.welcome).toMatchObject({ id: a.welcome.id, name: a.welcome.name, resumed: true, chatId: chat.chatId })
    // The user now belongs to node two: node one's cleanup or reaping can no longer touch it.
    const [nodeOne, nodeTwo] = await Promise.all([
      redis.client.hget(`hush:u:${b.welcome.id}`, 'node'),
      redis.client.hget(`hush:u:${a.welcome.id}`, 'node'),
    ])
    expect(nodeTwo).not.toBe(nodeOne)
    expect(await redis.client.sismember(`hush:node:${nodeTwo}:users`, a.welcome.id)).toBe(1)
    await relaysBothWays(back, b)
    expect(atB).toEqual(['signal:relay'])
  })

  it('tells the partner on the other node disconnected when the grace runs out', async () => {
    const [one, two] = await startNodes(redis.url, 2, { RESUME_GRACE_S: '1' })
    const a = await connectClient(one!)
    const b = await connectClient(two!)
    const { b: chat } = await pair(a, b)
    const ended = nextEvent(b, 'match:ended')
    await dropConnection(a)
    expect(await ended).toEqual({ chatId: chat.chatId, reason: 'disconnected' })
    expect(await redis.client.exists(`hush:u:${a.welcome.id}`)).toBe(0)
  })

  it('still tells the partner when the node that lost the connection dies during the grace', async () => {
    const [one, two] = await startNodes(redis.url, 2, { RESUME_GRACE_S: '2' })
    const a = await connectClient(one!)
    const b = await connectClient(two!)
    const { b: chat } = await pair(a, b)
    const ended = nextEvent(b, 'match:ended', 10_000)
    await dropConnection(a)
    await inGrace(a)
    await one!.kill9()
    expect(await ended).toEqual({ chatId: chat.chatId, reason: 'disconnected' })
  })

  it('lets the users of a node that shuts down take their chats back on another node', async () => {
    const [one, two] = await startNodes(redis.url, 2)
    const a = await connectClient(one!)
    const b = await connectClient(two!)
    const { a: chat } = await pair(a, b)
    const atB = record(b)
    const told = nextEvent(a, 'session:error')
    await one!.stop()
    expect((await told).code).toBe('unavailable')
    const back = await resumeClient(two!, a.welcome.resumeToken)
    expect(back.welcome).toMatchObject({ id: a.welcome.id, resumed: true, chatId: chat.chatId })
    await relaysBothWays(back, b)
    expect(atB).toEqual(['signal:relay'])
    expect(await redis.client.zcard('hush:nodes')).toBe(1)
  })

  it('resumes exactly one of two simultaneous reconnects with one token, on two nodes', async () => {
    const [one, two] = await startNodes(redis.url, 2)
    const a = await connectClient(one!)
    const b = await connectClient(two!)
    await pair(a, b)
    await dropConnection(a)
    await inGrace(a)
    const both = await Promise.all([
      resumeClient(one!, a.welcome.resumeToken),
      resumeClient(two!, a.welcome.resumeToken),
    ])
    expect(both.map((client) => client.welcome.resumed).sort()).toEqual([false, true])
    await relaysBothWays(
      both.find((client) => client.welcome.resumed)!,
      b,
    )
  })
})
