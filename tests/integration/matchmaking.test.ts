import { afterEach, describe, expect, it } from 'vitest'
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

describe('matchmaking', () => {
  it('pairs ten searchers first come, first served', async () => {
    const server = await startTestServer()
    const clients = await connectClients(server, 10)
    const found = clients.map((client) => nextEvent(client, 'match:found'))
    // One at a time: each arrival must be paired with the one waiting, who initiates.
    for (const client of clients) await request(client, 'match:find', {})
    const results = await Promise.all(found)
    for (let i = 0; i < 10; i += 2) {
      expect(results[i]!.partner.name).toBe(clients[i + 1]!.welcome.name)
      expect(results[i + 1]!.partner.name).toBe(clients[i]!.welcome.name)
      expect(results[i]!.initiator).toBe(true)
      expect(results[i + 1]!.initiator).toBe(false)
    }
  })

  it('serves waiters in arrival order when several wait', async () => {
    const server = await startTestServer()
    const [a, b, c, d, e] = await connectClients(server, 5)
    // a and b just chatted, so both wait side by side; c, then d, must take them oldest first.
    await pair(a!, b!)
    await request(a!, 'match:leave', { reason: 'left' })
    await request(a!, 'match:find', {})
    await request(b!, 'match:find', {})
    const foundC = nextEvent(c!, 'match:found')
    await request(c!, 'match:find', {})
    expect((await foundC).partner.name).toBe(a!.welcome.name)
    const foundD = nextEvent(d!, 'match:found')
    await request(d!, 'match:find', {})
    expect((await foundD).partner.name).toBe(b!.welcome.name)
    expect((await request(e!, 'match:find', {})).data).toEqual({ status: 'queued' })
  })

  it('tells exactly one side to initiate and gives both the same chat id', async () => {
    const server = await startTestServer()
    const [a, b] = await connectClients(server, 2)
    const found = await pair(a!, b!)
    expect(found.a.chatId).toBe(found.b.chatId)
    expect([found.a.initiator, found.b.initiator].sort()).toEqual([false, true])
    expect(found.a.partner.name).toBe(b!.welcome.name)
    expect(found.b.partner.name).toBe(a!.welcome.name)
  })

  it('never matches a user with themselves', async () => {
    const server = await startTestServer()
    const a = await connectClient(server)
    expect((await request(a, 'match:find', {})).data).toEqual({ status: 'queued' })
    expect((await request(a, 'match:find', {})).data).toEqual({ status: 'queued' })
    expect(await quiet(a, 'match:found')).toBe(true)
  })

  it('does not rematch the stranger just skipped: the skipper waits for someone new', async () => {
    const server = await startTestServer()
    const [a, b, c] = await connectClients(server, 3)
    await pair(a!, b!)
    expect((await request(a!, 'match:leave', { reason: 'skipped' })).error).toBeNull()
    expect((await request(b!, 'match:find', {})).data).toEqual({ status: 'queued' })
    expect((await request(a!, 'match:find', {})).data).toEqual({ status: 'queued' })
    expect(await quiet(a!, 'match:found')).toBe(true)
    // A newcomer takes the longest waiter (b); the skipper then gets the next one.
    const foundC = nextEvent(c!, 'match:found')
    await request(c!, 'match:find', {})
    expect((await foundC).partner.name).toBe(b!.welcome.name)
    const d = await connectClient(server)
    const foundA = nextEvent(a!, 'match:found')
    await request(d, 'match:find', {})
    expect((await foundA).partner.name).toBe(d.welcome.name)
  })

  it('keeps one chat per user: find while chatting is refused', async () => {
    const server = await startTestServer()
    const [a, b, c] = await connectClients(server, 3)
    await pair(a!, b!)
    expect((await request(a!, 'match:find', {})).error?.code).toBe('already-chatting')
    await request(c!, 'match:find', {})
    expect(await quiet(a!, 'match:found')).toBe(true)
  })

  it('cancels a search, and refuses a cancel when not searching', async () => {
    const server = await startTestServer()
    const [a, b, watcher] = await connectClients(server, 3)
    await request(a!, 'match:find', {})
    expect((await request(a!, 'match:cancel')).error).toBeNull()
    expect((await request(a!, 'match:cancel')).error?.code).toBe('not-searching')
    await presenceWhere(watcher!, (p) => p.searching === 0)
    await request(b!, 'match:find', {})
    expect(await quiet(a!, 'match:found')).toBe(true)
  })

  it.each(['left', 'skipped'] as const)('tells the partner the chat ended: %s', async (reason) => {
    const server = await startTestServer()
    const [a, b] = await connectClients(server, 2)
    const { b: found } = await pair(a!, b!)
    const ended = nextEvent(b!, 'match:ended')
    expect((await request(a!, 'match:leave', { reason })).error).toBeNull()
    expect(await ended).toEqual({ chatId: found.chatId, reason })
    expect((await request(a!, 'match:leave', { reason })).error?.code).toBe('not-paired')
  })

  it('tells the partner when the other side disconnects', async () => {
    const server = await startTestServer()
    const [a, b] = await connectClients(server, 2)
    const { b: found } = await pair(a!, b!)
    const ended = nextEvent(b!, 'match:ended')
    a!.disconnect()
    expect(await ended).toEqual({ chatId: found.chatId, reason: 'disconnected' })
  })

  it('drops a searcher who disconnects from the queue', async () => {
    const server = await startTestServer()
    const [a, b, c] = await connectClients(server, 3)
    await request(a!, 'match:find', {})
    a!.disconnect()
    await presenceWhere(b!, (p) => p.online === 2 && p.searching === 0)
    const found = nextEvent(c!, 'match:found')
    await request(b!, 'match:find', {})
    await request(c!, 'match:find', {})
    expect((await found).partner.name).toBe(b!.welcome.name)
  })

  it('ends 1,000 simultaneous searches in 500 disjoint pairs', async () => {
    const server = await startTestServer({ MATCH_RATE_BURST: '10' })
    const clients = await connectClients(server, 1000)
    const found = clients.map((client) => nextEvent(client, 'match:found', 20_000))
    await Promise.all(clients.map((client) => request(client, 'match:find', {})))
    const results = await Promise.all(found)
    const byChat = new Map<string, string[]>()
    results.forEach((result, i) => {
      const members = byChat.get(result.chatId) ?? []
      members.push(clients[i]!.welcome.name)
      byChat.set(result.chatId, members)
    })
    expect(byChat.size).toBe(500)
    for (const members of byChat.values()) expect(members).toHaveLength(2)
    const initiators = results.filter((r) => r.initiator).length
    expect(initiators).toBe(500)
    const watcher = await connectClient(server)
    await presenceWhere(watcher, (p) => p.chatting === 1000 && p.searching === 0)
  })
})
