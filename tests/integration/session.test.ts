import { afterEach, describe, expect, it } from 'vitest'
import { adjectives, animals } from '../../signaling/names.ts'
import {
  closeAll,
  connectClient,
  connectClients,
  nextEvent,
  pair,
  presenceWhere,
  quiet,
  request,
  startTestServer,
} from '../support/signaling.ts'

afterEach(closeAll)

describe('session:welcome', () => {
  it('gives an unguessable id, a guest name, ICE servers and the limits', async () => {
    const server = await startTestServer({ STUN_URLS: 'stun:stun.example:3478' })
    const client = await connectClient(server)
    const { welcome } = client
    expect(welcome.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(welcome.id).not.toBe(client.id)
    const [adjective, animal] = welcome.name.split(' ')
    expect(adjectives).toContain(adjective)
    expect(animals).toContain(animal)
    expect(welcome.iceServers).toEqual([{ urls: ['stun:stun.example:3478'] }])
    expect(welcome.relayOnly).toBe(false)
    expect(welcome.limits).toEqual(server.config.limits)
    expect(welcome.limits.maxMessageChars).toBe(500)
  })

  it('hands out distinct names and ids while the name space has room', async () => {
    const server = await startTestServer()
    const clients = await connectClients(server, 40)
    expect(new Set(clients.map((c) => c.welcome.name)).size).toBe(40)
    expect(new Set(clients.map((c) => c.welcome.id)).size).toBe(40)
  })

  it('offers TURN with time-limited credentials when configured', async () => {
    const server = await startTestServer({ TURN_URLS: 'turn:127.0.0.1:3478', TURN_SECRET: 'a-very-long-test-secret' })
    const { welcome } = await connectClient(server)
    expect(welcome.relayOnly).toBe(true)
    const turn = welcome.iceServers.find((s) => s.username !== undefined)
    expect(turn?.username).toMatch(new RegExp(`^\\d+:${welcome.id}$`))
    expect(JSON.stringify(welcome)).not.toContain('a-very-long-test-secret')
  })
})

describe('presence', () => {
  it('counts online, searching and chatting through churn', async () => {
    const server = await startTestServer()
    const [watcher, a, b, c] = await connectClients(server, 4)
    await presenceWhere(watcher!, (p) => p.online === 4 && p.searching === 0 && p.chatting === 0)

    await request(a!, 'match:find', {})
    await presenceWhere(watcher!, (p) => p.searching === 1)
    await request(b!, 'match:find', {})
    await presenceWhere(watcher!, (p) => p.searching === 0 && p.chatting === 2)

    await request(c!, 'match:find', {})
    c!.disconnect() // disconnect mid-search
    await presenceWhere(watcher!, (p) => p.online === 3 && p.searching === 0 && p.chatting === 2)

    a!.disconnect() // disconnect mid-chat
    await presenceWhere(watcher!, (p) => p.online === 2 && p.chatting === 0)
  })

  it('stays right through a skip loop', async () => {
    const server = await startTestServer()
    const watcher = await connectClient(server)
    for (let round = 0; round < 5; round++) {
      const [a, b] = await connectClients(server, 2)
      await pair(a!, b!)
      expect((await request(a!, 'match:leave', { reason: 'skipped' })).error).toBeNull()
      expect((await request(a!, 'match:find', {})).data).toEqual({ status: 'queued' })
      b!.disconnect()
      a!.disconnect()
    }
    await presenceWhere(watcher, (p) => p.online === 1 && p.searching === 0 && p.chatting === 0)
  })

  it('sends counts to the lobby only, and fresh counts to a user back from a chat', async () => {
    const server = await startTestServer()
    const [a, b, watcher] = await connectClients(server, 3)
    await pair(a!, b!)
    await presenceWhere(watcher!, (p) => p.chatting === 2)
    const extra = await connectClient(server)
    await presenceWhere(watcher!, (p) => p.online === 4)
    expect(await quiet(a!, 'presence:update', 600)).toBe(true)
    const fresh = nextEvent(a!, 'presence:update')
    const ended = nextEvent(b!, 'match:ended')
    await request(a!, 'match:leave', { reason: 'left' })
    await ended
    expect((await fresh).online).toBe(4)
    extra.disconnect()
    await presenceWhere(b!, (p) => p.online === 3)
  })

  it('sends the counts on connect and then only when they change', async () => {
    const server = await startTestServer()
    const first = await connectClient(server)
    await presenceWhere(first, (p) => p.online === 1)
    const second = await connectClient(server)
    await presenceWhere(second, (p) => p.online === 2)
    await presenceWhere(first, (p) => p.online === 2)
    // Four more coalescing intervals with nothing changing must add nothing.
    expect(await quiet(first, 'presence:update', 1000)).toBe(true)
  })
})

describe('TURN credential refresh', () => {
  it('sends fresh credentials before the old ones expire', async () => {
    const server = await startTestServer({
      TURN_URLS: 'turn:127.0.0.1:3478',
      TURN_SECRET: 'a-very-long-test-secret',
      TURN_TTL_S: '4',
    })
    const client = await connectClient(server)
    const first = client.welcome.iceServers.find((s) => s.username !== undefined)
    const refreshed = await nextEvent(client, 'session:ice', 8000)
    const next = refreshed.find((s) => s.username !== undefined)
    const expiry = (username: string | undefined) => Number(username?.split(':')[0])
    expect(expiry(next?.username)).toBeGreaterThan(expiry(first?.username))
    expect(next?.username).toMatch(new RegExp(`:${client.welcome.id}$`))
  })
})
