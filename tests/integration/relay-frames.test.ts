// relay:frame: sealed frames through the server to the current partner only, within limits.
import { afterEach, describe, expect, it } from 'vitest'
import { eventually } from '../support/timing.ts'
import { inbox, numberedFrame } from '../support/frames.ts'
import {
  closeAll,
  connectClients,
  metric,
  nextEvent,
  pair,
  quiet,
  request,
  startTestServer,
} from '../support/signaling.ts'

afterEach(closeAll)

describe('relay:frame', () => {
  it('relays a frame byte for byte to the partner only, both ways, up to 16 KB', async () => {
    const server = await startTestServer()
    const [a, b, c, d] = await connectClients(server, 4)
    await pair(a!, b!)
    await pair(c!, d!)
    const [atA, atB, atC, atD] = [inbox(a!), inbox(b!), inbox(c!), inbox(d!)]
    const small = numberedFrame(1, 200)
    const largest = numberedFrame(2, 16 * 1024)
    a!.emit('relay:frame', small)
    a!.emit('relay:frame', largest)
    const reply = numberedFrame(3, 4096)
    b!.emit('relay:frame', new Uint8Array(reply))
    await atB.holds(2)
    await atA.holds(1)
    expect(atB.frames).toEqual([small, largest])
    expect(atA.frames).toEqual([reply])
    expect(await quiet(c!, 'relay:frame')).toBe(true)
    expect(atC.frames.length + atD.frames.length).toBe(0)
    expect(await metric(server, 'hush_relay_frames_total')).toBe(3)
    expect(await metric(server, 'hush_relay_bytes_total')).toBe(200 + 16 * 1024 + 4096)
  })

  it('announces the relay and its limits in the welcome', async () => {
    const server = await startTestServer()
    const [a] = await connectClients(server, 1)
    expect(a!.welcome.relay).toBe(true)
    expect(a!.welcome.limits.relay).toEqual({
      burst: 200,
      perSecond: 50,
      maxFrameBytes: 16_384,
      bytesPerSecond: 262_144,
      images: false,
    })
  })

  it('answers a frame without a partner with not-paired, at most once a second', async () => {
    const server = await startTestServer()
    const [a, b] = await connectClients(server, 2)
    const told = nextEvent(a!, 'session:error')
    for (let n = 0; n < 5; n++) a!.emit('relay:frame', numberedFrame(n))
    expect((await told).code).toBe('not-paired')
    expect(await quiet(a!, 'session:error', 300)).toBe(true)
    expect(await quiet(b!, 'relay:frame', 0)).toBe(true)
    await eventually(
      () => metric(server, 'hush_relay_refused_total{reason="not-paired"}'),
      (refused) => refused === 5,
    )
  })

  it('drops a frame over the size cap, or not binary, with bad-payload; the partner gets nothing', async () => {
    const server = await startTestServer()
    const [a, b, c, d] = await connectClients(server, 4)
    await pair(a!, b!)
    await pair(c!, d!)
    const tooBig = nextEvent(a!, 'session:error')
    a!.emit('relay:frame', numberedFrame(1, 16 * 1024 + 1))
    expect((await tooBig).code).toBe('bad-payload')
    const notBinary = nextEvent(c!, 'session:error')
    ;(c as unknown as { emit(event: string, payload: unknown): void }).emit('relay:frame', 'sealed? no, text')
    expect((await notBinary).code).toBe('bad-payload')
    expect(await quiet(b!, 'relay:frame')).toBe(true)
    expect(await quiet(d!, 'relay:frame', 0)).toBe(true)
    expect(await metric(server, 'hush_relay_refused_total{reason="too-big"}')).toBe(1)
    expect(await metric(server, 'hush_relay_refused_total{reason="not-binary"}')).toBe(1)
  })

  it('with RELAY=off: welcome.relay is false and frames are answered relay-off', async () => {
    const server = await startTestServer({ RELAY: 'off' })
    const [a, b] = await connectClients(server, 2)
    expect(a!.welcome.relay).toBe(false)
    await pair(a!, b!)
    const told = nextEvent(a!, 'session:error')
    a!.emit('relay:frame', numberedFrame(1))
    expect((await told).code).toBe('relay-off')
    expect(await quiet(b!, 'relay:frame')).toBe(true)
  })

  it('lets the frame burst through, refuses the rest with one rate-limited notice', async () => {
    const server = await startTestServer({ RELAY_RATE_BURST: '20', RELAY_RATE_PER_S: '0.01' })
    const [a, b] = await connectClients(server, 2)
    await pair(a!, b!)
    const atB = inbox(b!)
    const told = nextEvent(a!, 'session:error')
    for (let n = 0; n < 25; n++) a!.emit('relay:frame', numberedFrame(n))
    expect((await told).code).toBe('rate-limited')
    await eventually(
      () => metric(server, 'hush_relay_refused_total{reason="frame-rate"}'),
      (refused) => refused === 5,
    )
    await atB.holds(20)
    expect(atB.frames.map((frame) => frame.readUInt32BE(0))).toEqual([...Array(20).keys()])
    expect(await quiet(a!, 'session:error', 300)).toBe(true)
  })

  it('holds the byte rate: a second’s worth passes, the frames beyond are refused', async () => {
    const server = await startTestServer({ RELAY_MAX_FRAME_BYTES: '4096', RELAY_BYTES_PER_S: '10000' })
    const [a, b] = await connectClients(server, 2)
    await pair(a!, b!)
    const atB = inbox(b!)
    const told = nextEvent(a!, 'session:error')
    for (let n = 0; n < 5; n++) a!.emit('relay:frame', numberedFrame(n, 4000))
    expect((await told).code).toBe('rate-limited')
    await eventually(
      () => metric(server, 'hush_relay_refused_total{reason="byte-rate"}'),
      (refused) => refused === 3,
    )
    await atB.holds(2)
    expect(atB.frames.map((frame) => frame.readUInt32BE(0))).toEqual([0, 1])
  })

  it('disconnects a sender that keeps flooding past the limits', async () => {
    const server = await startTestServer({ RELAY_RATE_BURST: '1', RELAY_RATE_PER_S: '0.01' })
    const [a, b] = await connectClients(server, 2)
    await pair(a!, b!)
    const gone = new Promise((resolve) => a!.once('disconnect', resolve))
    for (let n = 0; n < 60; n++) a!.emit('relay:frame', numberedFrame(n))
    await gone
    expect(await metric(server, 'hush_relay_frames_total')).toBe(1)
  })

  it('never reaches the partner of an earlier chat', async () => {
    const server = await startTestServer()
    const [a, b, c, d] = await connectClients(server, 4)
    await pair(a!, b!)
    const atB = inbox(b!)
    a!.emit('relay:frame', numberedFrame(1))
    await atB.holds(1)
    const ended = nextEvent(b!, 'match:ended')
    expect((await request(a!, 'match:leave', { reason: 'skipped' })).error).toBeNull()
    await ended
    await pair(a!, c!)
    await pair(b!, d!)
    const [atC, atD] = [inbox(c!), inbox(d!)]
    a!.emit('relay:frame', numberedFrame(2))
    await atC.holds(1)
    expect(atC.frames[0]!.readUInt32BE(0)).toBe(2)
    expect(await quiet(b!, 'relay:frame')).toBe(true)
    expect(atB.frames).toHaveLength(1)
    expect(atD.frames).toHaveLength(0)
  })
})
