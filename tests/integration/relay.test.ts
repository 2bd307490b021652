import { afterEach, describe, expect, it } from 'vitest'
import { closeAll, connectClients, nextEvent, pair, quiet, request, startTestServer } from '../support/signaling.ts'

afterEach(closeAll)

const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' }
const candidate = {
  type: 'candidate',
  candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host', sdpMid: '0', sdpMLineIndex: 0 },
}

describe('signal:relay', () => {
  it('relays a signal only to the partner', async () => {
    const server = await startTestServer()
    const [a, b, c, d] = await connectClients(server, 4)
    await pair(a!, b!)
    await pair(c!, d!)
    const atB = nextEvent(b!, 'signal:relay')
    expect((await request(a!, 'signal:relay', offer)).error).toBeNull()
    expect(await atB).toEqual(offer)
    expect(await quiet(c!, 'signal:relay')).toBe(true)
    expect(await quiet(d!, 'signal:relay', 0)).toBe(true)
  })

  it('relays candidates both ways and rebuilds them without unknown keys', async () => {
    const server = await startTestServer()
    const [a, b] = await connectClients(server, 2)
    await pair(a!, b!)
    const atA = nextEvent(a!, 'signal:relay')
    await request(b!, 'signal:relay', { ...candidate, extra: 'dropped', __proto__: { polluted: true } })
    expect(await atA).toEqual(candidate)
  })

  it('refuses to relay when not paired', async () => {
    const server = await startTestServer()
    const [a, b] = await connectClients(server, 2)
    expect((await request(a!, 'signal:relay', offer)).error?.code).toBe('not-paired')
    await pair(a!, b!)
    await request(a!, 'match:leave', { reason: 'left' })
    expect((await request(b!, 'signal:relay', offer)).error?.code).toBe('not-paired')
    expect(await quiet(a!, 'signal:relay')).toBe(true)
  })

  it('refuses an SDP over 16 KB and relays nothing', async () => {
    const server = await startTestServer()
    const [a, b] = await connectClients(server, 2)
    await pair(a!, b!)
    const big = { type: 'offer', sdp: 'a'.repeat(16 * 1024 + 1) }
    expect((await request(a!, 'signal:relay', big)).error?.code).toBe('bad-payload')
    expect(await quiet(b!, 'signal:relay')).toBe(true)
  })
})
