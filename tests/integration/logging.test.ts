import { afterEach, describe, expect, it } from 'vitest'
import { captureLogs } from '../support/logs.ts'
import { closeAll, connectClients, nextEvent, pair, request, startTestServer } from '../support/signaling.ts'

afterEach(closeAll)

describe('logs', () => {
  it('carry no SDP, no message text and no IP address at info level, even for abuse', async () => {
    const logs = captureLogs('info')
    const server = await startTestServer({}, { logger: logs.logger })
    const [a, b, flooder] = await connectClients(server, 3)
    await pair(a!, b!)
    const secretSdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=secret-session-text\r\n'
    const atB = nextEvent(b!, 'signal:relay')
    await request(a!, 'signal:relay', { type: 'offer', sdp: secretSdp })
    await atB
    const dropped = new Promise((resolve) => flooder!.once('disconnect', resolve))
    for (let i = 0; i < 100; i++) flooder!.emit('match:cancel', () => {})
    await dropped
    const log = logs.text()
    expect(log).toContain('disconnecting an abusive client') // the log is really being written
    expect(log).not.toContain('secret-session-text')
    expect(log).not.toContain('127.0.0.1')
    expect(log).not.toMatch(/"ip"\s*:\s*"[^[]/)
  })
})

describe('the TURN secret', () => {
  it('never appears in logs, even at trace level, nor in what clients receive', async () => {
    const secret = 'turn-secret-that-must-stay-home-0123'
    const logs = captureLogs('trace')
    const server = await startTestServer(
      { TURN_URLS: 'turn:127.0.0.1:3478', TURN_SECRET: secret },
      { logger: logs.logger },
    )
    const [a, b] = await connectClients(server, 2)
    await pair(a!, b!)
    await request(a!, 'match:leave', { reason: 'left' })
    expect(logs.text().length).toBeGreaterThan(0)
    expect(logs.text()).not.toContain(secret)
    expect(JSON.stringify(a!.welcome)).not.toContain(secret)
  })
})
