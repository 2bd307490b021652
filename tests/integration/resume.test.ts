// Resuming a session after a lost connection (docs/protocol.md): same id, name and chat, the partner
// told nothing; in memory and, through the integration-redis project, on Redis.
import { io as connect } from 'socket.io-client'
import { afterEach, describe, expect, it } from 'vitest'
import { captureLogs } from '../support/logs.ts'
import { record, relaysBothWays } from '../support/resume.ts'
import { eventually } from '../support/timing.ts'
import {
  closeAll,
  connectClient,
  connectClients,
  dropConnection,
  metric,
  nextEvent,
  pair,
  presenceWhere,
  quiet,
  request,
  resumeClient,
  startTestServer,
  type TestServer,
} from '../support/signaling.ts'

afterEach(closeAll)

const offer = { type: 'offer', sdp: 'v=0\r\n' }
const tokenShape = /^[A-Za-z0-9_-]{43}$/

/** Waits until the server holds this many connections (it has seen a drop). */
const connections = (server: TestServer, count: number) =>
  eventually(
    () => metric(server, 'hush_connections'),
    (held) => held === count,
  )

/** One connection attempt: 'admitted', or the code it was refused with. */
async function attempt(server: TestServer): Promise<string | undefined> {
  const socket = connect(server.url, { transports: ['websocket'], forceNew: true, reconnection: false })
  const outcome = await new Promise<string | undefined>((resolve) => {
    socket.once('connect', () => resolve('admitted'))
    socket.once('connect_error', (error: Error & { data?: { code: string } }) => resolve(error.data?.code))
  })
  socket.close()
  return outcome
}

describe('the resume token', () => {
  it('is new in every welcome, 256 bits of base64url, with resumed false', async () => {
    const server = await startTestServer()
    const [a, b] = await connectClients(server, 2)
    for (const { welcome } of [a!, b!]) {
      expect(welcome.resumeToken).toMatch(tokenShape)
      expect(welcome.resumed).toBe(false)
      expect(welcome).not.toHaveProperty('chatId')
    }
    expect(a!.welcome.resumeToken).not.toBe(b!.welcome.resumeToken)
    expect(Object.keys(a!.welcome).at(-1)).toBe('resumeToken')
  })
})

describe('a lost connection', () => {
  it('is taken back with the token: same id, name and chat, signals both ways, the partner told nothing', async () => {
    const server = await startTestServer()
    const [a, b] = await connectClients(server, 2)
    const { a: chat } = await pair(a!, b!)
    const atB = record(b!)
    await dropConnection(a!)
    await connections(server, 1)
    const back = await resumeClient(server, a!.welcome.resumeToken)
    expect(back.welcome).toMatchObject({ id: a!.welcome.id, name: a!.welcome.name, resumed: true })
    expect(back.welcome.chatId).toBe(chat.chatId)
    expect(back.welcome.resumeToken).toMatch(tokenShape)
    expect(back.welcome.resumeToken).not.toBe(a!.welcome.resumeToken)
    await relaysBothWays(back, b!)
    expect(atB).toEqual(['signal:relay'])
    expect(await metric(server, 'hush_resumes_total{outcome="resumed"}')).toBe(1)
  })

  it('ends the chat for the partner with disconnected once the grace runs out', async () => {
    const server = await startTestServer({ RESUME_GRACE_S: '1' })
    const [a, b] = await connectClients(server, 2)
    const { b: chat } = await pair(a!, b!)
    const ended = nextEvent(b!, 'match:ended')
    await dropConnection(a!)
    expect(await ended).toEqual({ chatId: chat.chatId, reason: 'disconnected' })
    expect(await metric(server, 'hush_resumes_total{outcome="expired"}')).toBe(1)
    const late = await resumeClient(server, a!.welcome.resumeToken)
    expect(late.welcome.resumed).toBe(false)
    expect(late.welcome.id).not.toBe(a!.welcome.id)
  })

  it('drops signals to the absent user during the grace', async () => {
    const server = await startTestServer()
    const [a, b] = await connectClients(server, 2)
    await pair(a!, b!)
    await dropConnection(a!)
    await connections(server, 1)
    expect((await request(b!, 'signal:relay', offer)).error).toBeNull()
    const back = await resumeClient(server, a!.welcome.resumeToken)
    expect(await quiet(back, 'signal:relay')).toBe(true)
  })

  it('takes a searcher out of the queue at once, and gives back its id and name without a chat', async () => {
    const server = await startTestServer()
    const [a, c, watcher] = await connectClients(server, 3)
    await request(a!, 'match:find', {})
    await presenceWhere(watcher!, (p) => p.searching === 1)
    await dropConnection(a!)
    await presenceWhere(watcher!, (p) => p.searching === 0)
    expect((await request(c!, 'match:find', {})).data).toEqual({ status: 'queued' })
    const back = await resumeClient(server, a!.welcome.resumeToken)
    expect(back.welcome).toMatchObject({ id: a!.welcome.id, name: a!.welcome.name, resumed: true })
    expect(back.welcome).not.toHaveProperty('chatId')
    const found = nextEvent(c!, 'match:found')
    expect((await request(back, 'match:find', {})).data).toEqual({ status: 'matched' })
    expect((await found).partner.name).toBe(a!.welcome.name)
  })

  it('keeps its address slot for the grace, and the resume is never refused for it', async () => {
    const server = await startTestServer({ MAX_CONN_PER_IP: '1' })
    const a = await connectClient(server)
    await dropConnection(a)
    await connections(server, 0)
    expect(await attempt(server)).toBe('too-many-connections')
    const back = await resumeClient(server, a.welcome.resumeToken)
    expect(back.welcome.resumed).toBe(true)
  })
})

describe('a deliberate disconnect', () => {
  it('ends the chat at once, and leaves nothing to resume', async () => {
    const server = await startTestServer()
    const [a, b] = await connectClients(server, 2)
    const { b: chat } = await pair(a!, b!)
    const ended = nextEvent(b!, 'match:ended', 2000)
    a!.disconnect()
    expect(await ended).toEqual({ chatId: chat.chatId, reason: 'disconnected' })
    const again = await resumeClient(server, a!.welcome.resumeToken)
    expect(again.welcome.resumed).toBe(false)
  })
})

describe('a token', () => {
  it('resumes once: used a second time, it gets a fresh session', async () => {
    const server = await startTestServer()
    const a = await connectClient(server)
    await dropConnection(a)
    await connections(server, 0)
    const first = await resumeClient(server, a.welcome.resumeToken)
    expect(first.welcome.resumed).toBe(true)
    const second = await resumeClient(server, a.welcome.resumeToken)
    expect(second.welcome.resumed).toBe(false)
    expect(second.welcome.id).not.toBe(a.welcome.id)
    expect(await metric(server, 'hush_resumes_total{outcome="unknown"}')).toBe(1)
  })

  it('that cannot be one gets a fresh session, and the server goes on', async () => {
    const server = await startTestServer()
    const unknown = 'A'.repeat(43)
    for (const junk of [42, null, { token: 'x' }, ['a'], '', 'x'.repeat(10_000), unknown]) {
      const client = await resumeClient(server, junk)
      expect(client.welcome.resumed).toBe(false)
      expect(client.welcome.resumeToken).toMatch(tokenShape)
    }
    const [a, b] = await connectClients(server, 2)
    await pair(a!, b!)
  })

  it('presented by two connections at once resumes exactly one', async () => {
    const server = await startTestServer()
    const [a, b] = await connectClients(server, 2)
    await pair(a!, b!)
    await dropConnection(a!)
    await connections(server, 1)
    const both = await Promise.all([
      resumeClient(server, a!.welcome.resumeToken),
      resumeClient(server, a!.welcome.resumeToken),
    ])
    expect(both.map((client) => client.welcome.resumed).sort()).toEqual([false, true])
    const winner = both.find((client) => client.welcome.resumed)!
    await relaysBothWays(winner, b!)
  })

  it('takes the session from a connection the server still holds (one that died unnoticed)', async () => {
    const server = await startTestServer()
    const [a, b] = await connectClients(server, 2)
    const { a: chat } = await pair(a!, b!)
    const atB = record(b!)
    const closed = new Promise((resolve) => a!.once('disconnect', resolve))
    const back = await resumeClient(server, a!.welcome.resumeToken)
    await closed
    expect(back.welcome).toMatchObject({ id: a!.welcome.id, resumed: true, chatId: chat.chatId })
    await relaysBothWays(back, b!)
    expect(atB).toEqual(['signal:relay'])
  })

  it('never appears in the logs, at any level', async () => {
    const logs = captureLogs('trace')
    const server = await startTestServer({}, { logger: logs.logger })
    const [a, b] = await connectClients(server, 2)
    await pair(a!, b!)
    await dropConnection(a!)
    await connections(server, 1)
    const back = await resumeClient(server, a!.welcome.resumeToken)
    const junk = await resumeClient(server, 'B'.repeat(43))
    back.disconnect()
    await nextEvent(b!, 'match:ended')
    expect(logs.text()).toContain('disconnected') // the log is really being written
    for (const token of [a!.welcome.resumeToken, back.welcome.resumeToken, junk.welcome.resumeToken, 'B'.repeat(43)]) {
      expect(logs.text()).not.toContain(token)
    }
  })
})
