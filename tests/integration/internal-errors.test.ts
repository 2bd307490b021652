// A bug behind a request (here: a store method that throws) costs that request an `internal`
// answer and a log line, never the process or anyone else's service.
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryStore } from '../../signaling/store/memory-store.ts'
import type { UserId } from '../../signaling/store/store.ts'
import { captureLogs } from '../support/logs.ts'
import { closeAll, connectClients, nextEvent, pair, request, startTestServer } from '../support/signaling.ts'

afterEach(closeAll)

/** A real memory store whose find throws once, for the one user named by failFindOnce. */
function storeWithFaultyFind() {
  const store = createMemoryStore()
  const find = store.find.bind(store)
  let failing: UserId | null = null
  store.find = (user, nowMs, relayRoom) => {
    if (user !== failing) return find(user, nowMs, relayRoom)
    failing = null
    throw new Error('store bug on purpose')
  }
  return Object.assign(store, { failFindOnce: (user: UserId) => void (failing = user) })
}

describe('a handler that throws', () => {
  it('answers internal, logs the error, and keeps serving everyone', async () => {
    const store = storeWithFaultyFind()
    const logs = captureLogs()
    const server = await startTestServer({}, { store, logger: logs.logger })
    const [victim, a, b, c] = await connectClients(server, 4)
    store.failFindOnce(victim!.welcome.id)

    const answer = await request(victim!, 'match:find', {})
    expect(answer.error?.code).toBe('internal')
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: 'handler failed',
        event: 'match:find',
        user: victim!.welcome.id,
        err: expect.objectContaining({ message: 'store bug on purpose' }),
      }),
    )

    // Still running and matching: two others, then the victim itself on its next try.
    await pair(a!, b!)
    await pair(victim!, c!)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  })

  it('answers internal on a synchronous throw too (the relay path allocates no promise)', async () => {
    const logs = captureLogs()
    const server = await startTestServer({}, { logger: logs.logger })
    const [a, b, c, d] = await connectClients(server, 4)
    await pair(a!, b!)
    // The partner's server-side socket fails once while the signal is handed to it.
    const atServer = [...server.server.io.of('/').sockets.values()].find((s) => s.data.id === b!.welcome.id)!
    const emit = atServer.emit
    atServer.emit = ((event: string, ...args: unknown[]): boolean => {
      if (event === 'signal:relay') {
        atServer.emit = emit
        throw new Error('relay bug on purpose')
      }
      return Reflect.apply(emit, atServer, [event, ...args]) as boolean
    }) as typeof atServer.emit
    const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' }

    expect((await request(a!, 'signal:relay', offer)).error?.code).toBe('internal')
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ level: 50, msg: 'handler failed', event: 'signal:relay', user: a!.welcome.id }),
    )
    // The next signal goes through, and others are served.
    const atB = nextEvent(b!, 'signal:relay')
    expect((await request(a!, 'signal:relay', offer)).error).toBeNull()
    expect(await atB).toEqual(offer)
    await pair(c!, d!)
  })
})
