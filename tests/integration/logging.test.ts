import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../signaling/logger.ts'
import { closeAll, connectClients, nextEvent, pair, request, startTestServer } from '../support/signaling.ts'

afterEach(closeAll)

describe('logs', () => {
  it('carry no SDP, no message text and no IP address at info level, even for abuse', async () => {
    const lines: string[] = []
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString())
        done()
      },
    })
    const server = await startTestServer({}, { logger: createLogger('info', sink) })
    const [a, b, flooder] = await connectClients(server, 3)
    await pair(a!, b!)
    const secretSdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=secret-session-text\r\n'
    const atB = nextEvent(b!, 'signal:relay')
    await request(a!, 'signal:relay', { type: 'offer', sdp: secretSdp })
    await atB
    const dropped = new Promise((resolve) => flooder!.once('disconnect', resolve))
    for (let i = 0; i < 100; i++) flooder!.emit('match:cancel', () => {})
    await dropped
    const log = lines.join('')
    expect(log).toContain('disconnecting an abusive client') // the log is really being written
    expect(log).not.toContain('secret-session-text')
    expect(log).not.toContain('127.0.0.1')
    expect(log).not.toMatch(/"ip"\s*:\s*"[^[]/)
  })
})

describe('the TURN secret', () => {
  it('never appears in logs, even at trace level, nor in what clients receive', async () => {
    const secret = 'turn-secret-that-must-stay-home-0123'
    const lines: string[] = []
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString())
        done()
      },
    })
    const server = await startTestServer(
      { TURN_URLS: 'turn:127.0.0.1:3478', TURN_SECRET: secret },
      { logger: createLogger('trace', sink) },
    )
    const [a, b] = await connectClients(server, 2)
    await pair(a!, b!)
    await request(a!, 'match:leave', { reason: 'left' })
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.join('')).not.toContain(secret)
    expect(JSON.stringify(a!.welcome)).not.toContain(secret)
  })
})
