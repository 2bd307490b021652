import { afterEach, describe, expect, it } from 'vitest'
import { io as connect } from 'socket.io-client'
import {
  closeAll,
  connectClient,
  connectClients,
  metric,
  nextEvent,
  pair,
  presenceWhere,
  rawConnection,
  refusedFrom,
  request,
  startTestServer,
  type Client,
  type TestServer,
} from '../support/signaling.ts'

afterEach(closeAll)

const offer = { type: 'offer', sdp: 'v=0\r\n' }

/** A pair that keeps working is the proof that bad input elsewhere affected nobody else. */
async function assertStillServed(a: Client, b: Client) {
  const atB = nextEvent(b, 'signal:relay')
  expect((await request(a, 'signal:relay', offer)).error).toBeNull()
  expect(await atB).toEqual(offer)
}

function deeplyNested(depth: number): unknown {
  let value: unknown = 'x'
  for (let i = 0; i < depth; i++) value = { type: 'offer', sdp: value }
  return value
}

const malformed: Array<[string, string, unknown[]]> = [
  ['find with a string', 'match:find', ['please']],
  ['find with interests not strings', 'match:find', [{ interests: [1, 2] }]],
  ['find with too many interests', 'match:find', [{ interests: Array.from({ length: 50 }, (_, i) => `i${i}`) }]],
  ['find with two payloads', 'match:find', [{}, {}]],
  ['leave with an unknown reason', 'match:leave', [{ reason: 'bored' }]],
  ['leave with no payload', 'match:leave', []],
  ['leave with null', 'match:leave', [null]],
  ['cancel with a payload', 'match:cancel', [{ reason: 'x' }]],
  ['relay with no payload', 'signal:relay', []],
  ['relay a number', 'signal:relay', [42]],
  ['relay an array', 'signal:relay', [[offer]]],
  ['relay an unknown type', 'signal:relay', [{ type: 'pranswer', sdp: 'v=0' }]],
  ['relay an offer with a numeric sdp', 'signal:relay', [{ type: 'offer', sdp: 123 }]],
  ['relay an empty offer', 'signal:relay', [{ type: 'offer', sdp: '' }]],
  ['relay a candidate without a candidate', 'signal:relay', [{ type: 'candidate' }]],
  [
    'relay a candidate with a huge line',
    'signal:relay',
    [{ type: 'candidate', candidate: { candidate: 'c'.repeat(5000) } }],
  ],
  ['relay a deeply nested object', 'signal:relay', [deeplyNested(500)]],
  ['relay a prototype key', 'signal:relay', [JSON.parse('{"__proto__": {"type": "offer", "sdp": "v=0"}}')]],
  ['relay a constructor key', 'signal:relay', [{ constructor: { prototype: { polluted: true } } }]],
  ['an unknown event', 'chat:message', [{ text: 'hi' }]],
  ['an event shaped like a method name', 'hasOwnProperty', [{}]],
]

describe('malformed input', () => {
  it.each(malformed)('answers %s with bad-payload and serves others', async (_label, event, args) => {
    const server = await startTestServer()
    const [attacker, victim, a, b] = await connectClients(server, 4)
    await pair(attacker!, victim!)
    await pair(a!, b!)
    const answer = await request(attacker!, event, ...args)
    expect(answer.error?.code).toBe('bad-payload')
    expect(typeof answer.error?.message).toBe('string')
    await assertStillServed(a!, b!)
    // The attacker's own session survives a single bad request.
    await assertStillServed(attacker!, victim!)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })

  it('survives requests without an ack and acks that are not functions', async () => {
    const server = await startTestServer()
    const [attacker, a, b] = await connectClients(server, 3)
    await pair(a!, b!)
    const raw = attacker as unknown as { emit(event: string, ...args: unknown[]): void }
    raw.emit('match:find', {})
    raw.emit('match:leave', 'x', 'not-a-function')
    raw.emit('signal:relay')
    raw.emit('match:cancel', 1, 2, 3)
    await assertStillServed(a!, b!)
    expect((await request(attacker!, 'match:cancel')).error).toBeNull()
  })

  it('drops a client sending a reserved event name, and only that client', async () => {
    const server = await startTestServer()
    const [attacker, a, b] = await connectClients(server, 3)
    await pair(a!, b!)
    const dropped = new Promise((resolve) => attacker!.once('disconnect', resolve))
    // Bypass the client's own guard: write a raw EVENT packet for "disconnect".
    const engine = attacker!.io.engine as unknown as { write(data: string): void }
    engine.write('42["disconnect"]')
    await dropped
    await assertStillServed(a!, b!)
  })

  it('drops a client whose frame exceeds maxHttpBufferSize, and only that client', async () => {
    const server = await startTestServer()
    const [attacker, a, b] = await connectClients(server, 3)
    await pair(a!, b!)
    const dropped = new Promise((resolve) => attacker!.once('disconnect', resolve))
    attacker!.emit('signal:relay', { type: 'offer', sdp: 'x'.repeat(64 * 1024) }, () => {})
    await dropped
    await assertStillServed(a!, b!)
  })
})

describe('rate limits', () => {
  it('answers a flood with rate-limited, then disconnects the flooder with a reason', async () => {
    const server = await startTestServer()
    const [flooder, a, b] = await connectClients(server, 3)
    await pair(a!, b!)
    const reason = nextEvent(flooder!, 'session:error')
    const dropped = new Promise((resolve) => flooder!.once('disconnect', resolve))
    const codes: string[] = []
    for (let i = 0; i < 300; i++) {
      flooder!.emit('match:cancel', (error) => {
        if (error) codes.push(error.code)
      })
    }
    expect((await reason).code).toBe('rate-limited')
    await dropped
    expect(codes).toContain('rate-limited')
    await assertStillServed(a!, b!)
  })

  it('does not hold leaving a chat the partner already ended against the client', async () => {
    // Both sides end a chat at once all the time (a skip, a lost peer connection): the second
    // match:leave is answered not-paired, and 40 of them stay below the abuse allowance (30).
    const server = await startTestServer({ MATCH_RATE_BURST: '100' })
    const [a, b] = await connectClients(server, 2)
    let disconnected = false
    a!.once('disconnect', () => (disconnected = true))
    const answers = await Promise.all(Array.from({ length: 40 }, () => request(a!, 'match:leave', { reason: 'left' })))
    expect(answers.every((x) => x.error?.code === 'not-paired')).toBe(true)
    await pair(a!, b!)
    expect(disconnected).toBe(false)
  })

  it('limits signal:relay per socket by a token bucket', async () => {
    const server = await startTestServer({ SIGNAL_RATE_BURST: '5', SIGNAL_RATE_PER_S: '1' })
    const [a, b] = await connectClients(server, 2)
    await pair(a!, b!)
    const answers = await Promise.all(Array.from({ length: 8 }, () => request(a!, 'signal:relay', offer)))
    expect(answers.filter((x) => x.error === null)).toHaveLength(5)
    expect(answers.filter((x) => x.error?.code === 'rate-limited')).toHaveLength(3)
  })
})

describe('connection limits', () => {
  /** One more connection attempt: the code it was refused with, or null when let in. */
  async function attempt(server: TestServer, forwardedFor?: string): Promise<string | null> {
    const extra = connect(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: forwardedFor ? { 'x-forwarded-for': forwardedFor } : undefined,
    })
    const outcome = await new Promise<string | null>((resolve) => {
      extra.once('connect_error', (error: Error & { data?: { code: string } }) => resolve(error.data?.code ?? 'none'))
      extra.once('connect', () => resolve(null))
    })
    extra.close()
    return outcome
  }

  /** Closes `client`, then connects again as soon as the server has learned of the close. */
  async function reconnectAfterClosing(server: TestServer, client: Client) {
    const closed = new Promise((resolve) => client.once('disconnect', resolve))
    client.disconnect()
    await closed
    // The server learns of the close asynchronously; reconnecting must succeed once it has.
    let next: Awaited<ReturnType<typeof connectClient>> | undefined
    for (let tries = 0; tries < 20 && !next; tries++) next = await connectClient(server).catch(() => undefined)
    return next
  }

  it('caps connections per IP with too-many-connections', async () => {
    const server = await startTestServer({ MAX_CONN_PER_IP: '3' })
    await connectClients(server, 3)
    expect(await attempt(server)).toBe('too-many-connections')
  })

  it('limits new connections per address per minute with rate-limited', async () => {
    const server = await startTestServer({ CONNECT_RATE_PER_MIN: '3' })
    const first = await connectClient(server)
    first.disconnect() // closing does not give the attempt back
    await connectClients(server, 2)
    expect(await attempt(server)).toBe('rate-limited')
  })

  it('does not spend the per-minute connects on attempts the per-address cap refuses', async () => {
    const server = await startTestServer({ MAX_CONN_PER_IP: '1', CONNECT_RATE_PER_MIN: '2' })
    const first = await connectClient(server)
    // Tabs retrying behind the same address: refused by the cap, again and again.
    for (let i = 0; i < 4; i++) expect(await attempt(server)).toBe('too-many-connections')
    // The second of the two connects a minute is still there once the first tab has gone.
    expect((await reconnectAfterClosing(server, first))?.welcome.name).toMatch(/\w+ \w+/)
  })

  it('counts an IPv6 /64 as one address, and an IPv4-mapped address as its IPv4 address (TRUST_PROXY)', async () => {
    const server = await startTestServer({ TRUST_PROXY: '1', MAX_CONN_PER_IP: '1' })
    await connectClient(server, { forwardedFor: '2001:db8:1:2::1' })
    // A customer holds the whole /64: another of its addresses shares the cap.
    expect(await attempt(server, '2001:db8:1:2:ffff:ffff:ffff:fffe')).toBe('too-many-connections')
    expect(await attempt(server, '2001:db8:1:3::1')).toBeNull()
    await connectClient(server, { forwardedFor: '198.51.100.4' })
    expect(await attempt(server, '::ffff:198.51.100.4')).toBe('too-many-connections')
  })

  it('rate-limits new connections per IPv6 /64', async () => {
    const server = await startTestServer({ TRUST_PROXY: '1', CONNECT_RATE_PER_MIN: '2' })
    await connectClient(server, { forwardedFor: '2001:db8:7:7::1' })
    await connectClient(server, { forwardedFor: '2001:db8:7:7::2' })
    expect(await attempt(server, '2001:db8:7:7:abcd::3')).toBe('rate-limited')
    expect(await attempt(server, '2001:db8:7:8::1')).toBeNull()
  })

  it('frees the slot when a connection closes', async () => {
    const server = await startTestServer({ MAX_CONN_PER_IP: '1' })
    const first = await connectClient(server)
    expect((await reconnectAfterClosing(server, first))?.welcome.name).toBeTruthy()
  })

  it('refuses a browser Origin that is not allowed', async () => {
    const server = await startTestServer({ CORS_ORIGIN: 'https://hush.example' })
    expect(await refusedFrom(server, 'https://evil.example')).toBe(true)
    const good = await connectClient(server, { origin: 'https://hush.example' })
    expect(good.welcome.name).toBeTruthy()
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    expect(metrics).toMatch(/hush_rejected_total\{code="origin-refused"\} 1/)
  })

  it('lets a same-origin page in without configuration', async () => {
    const server = await startTestServer()
    const host = new URL(server.url).host
    const same = await connectClient(server, { origin: `http://${host}` })
    expect(same.welcome.name).toBeTruthy()
  })
})

describe('one admission per connection', () => {
  /** Resolves with true once the connection is closed, false if it is still open after the window. */
  const closedWithin = (closed: Promise<void>, windowMs: number) =>
    Promise.race([
      closed.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), windowMs)),
    ])

  it('closes a refused connection once the refusal is out, so it cannot ask again', async () => {
    const server = await startTestServer({ MAX_CONN_PER_IP: '1' })
    await connectClient(server)
    const raw = await rawConnection(server)
    // A modified client asks again at every refusal: socket.io would keep the connection open for it.
    raw.onFrame((text) => {
      if (text.startsWith('44') && raw.open() && raw.frames.length < 200) raw.send('40')
    })
    raw.send('40')
    expect(await closedWithin(raw.closed, 3000)).toBe(true)
    const refusals = raw.frames.filter((text) => text.startsWith('44'))
    expect(refusals).toHaveLength(1)
    expect(JSON.parse(refusals[0]!.slice(2))).toMatchObject({ data: { code: 'too-many-connections' } })
    expect(await metric(server, 'hush_rejected_total{code="too-many-connections"}')).toBe(1)
  })

  it('closes an admitted connection that sends CONNECT again (socket.io does; admission relies on it)', async () => {
    const server = await startTestServer()
    const raw = await rawConnection(server)
    const admitted = new Promise<void>((resolve) => raw.onFrame((text) => text.startsWith('40') && resolve()))
    raw.send('40')
    await admitted
    raw.send('40')
    expect(await closedWithin(raw.closed, 3000)).toBe(true)
    expect(raw.frames.filter((text) => text.startsWith('40'))).toHaveLength(1)
  })

  it('runs one admission for CONNECT packets sent back to back, closes the connection, and serves others', async () => {
    const server = await startTestServer()
    const [a, b] = await connectClients(server, 2)
    await pair(a!, b!)
    const raw = await rawConnection(server)
    for (let i = 0; i < 50; i++) raw.send('40')
    expect(await closedWithin(raw.closed, 3000)).toBe(true)
    expect(raw.frames.filter((text) => text.startsWith('40')).length).toBeLessThanOrEqual(1)
    // The client is told why before the connection closes.
    expect(raw.frames.some((text) => text.startsWith('44') && text.includes('bad-payload'))).toBe(true)
    // Nobody is left registered for that connection: the totals count a and b only.
    const watcher = await connectClient(server)
    await presenceWhere(watcher, (p) => p.online === 3 && p.chatting === 2)
    expect(await metric(server, 'hush_connections')).toBe(3)
    await assertStillServed(a!, b!)
  })
})
