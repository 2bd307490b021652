// The built-in STUN server over real UDP sockets on loopback, and the STUN entry of the welcome.
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { eventually } from '../support/timing.ts'
import { freeUdpPort } from '../support/ports.ts'
import { closeAll, connectClient, metric, nextEvent, startTestServer } from '../support/signaling.ts'
import { decodeResponse, stunRequest, udpClient, type UdpClient } from '../support/stun.ts'

const udpClients: UdpClient[] = []
afterEach(async () => {
  await Promise.all(udpClients.splice(0).map((client) => client.close()))
  await closeAll()
})

async function stunServer(env: Record<string, string> = {}) {
  const port = await freeUdpPort()
  const server = await startTestServer({ STUN_PORT: String(port), ...env })
  const client = await udpClient(port)
  udpClients.push(client)
  return { server, port, client }
}

const stunUrlsOf = (welcome: { iceServers: Array<{ urls: string | string[] }> }) =>
  welcome.iceServers.flatMap((entry) => entry.urls).filter((url) => url.startsWith('stun:'))

const udpHandles = () => process.getActiveResourcesInfo().filter((resource) => resource === 'UDPWrap').length

describe('built-in STUN', () => {
  it("answers a Binding request with the client's own address and port and its transaction id", async () => {
    const { server, port, client } = await stunServer()
    expect(server.server.stunPort()).toBe(port)
    const transactionId = randomBytes(12)
    client.send(stunRequest({ transactionId }))
    const response = await client.next()
    expect(response).not.toBeNull()
    expect(decodeResponse(response!)).toEqual({
      type: 0x0101,
      transactionId,
      family: 'IPv4',
      address: '127.0.0.1',
      port: client.port,
      fingerprintValid: null,
    })
    expect(await metric(server, 'hush_stun_requests_total{outcome="answered"}')).toBe(1)
  })

  it('answers with a FINGERPRINT when asked, never with more than the request plus the address attribute', async () => {
    const { client } = await stunServer()
    for (const fingerprint of [false, true]) {
      const request = stunRequest({ fingerprint, attributes: [[0x8022, Buffer.from('test client')]] })
      client.send(request)
      const response = (await client.next())!
      expect(decodeResponse(response).fingerprintValid).toBe(fingerprint ? true : null)
      expect(response.length).toBeLessThanOrEqual(request.length + 12)
    }
  })

  it('ignores 1,000 junk datagrams of random sizes and contents, and still answers afterwards', async () => {
    const { server, client } = await stunServer()
    // In batches the server reads as they come: a loopback socket buffer can hold only so much.
    for (let sent = 0; sent < 1000;) {
      for (let i = 0; i < 100; i++, sent++) client.send(randomBytes(Math.floor(Math.random() * 1200)))
      const expected = sent
      await eventually(
        () => metric(server, 'hush_stun_requests_total{outcome="dropped"}'),
        (dropped) => dropped === expected,
      )
    }
    const transactionId = randomBytes(12)
    client.send(stunRequest({ transactionId }))
    // The first datagram back is this answer: none of the junk was answered.
    expect(decodeResponse((await client.next())!).transactionId).toEqual(transactionId)
    expect(await metric(server, 'hush_stun_requests_total{outcome="answered"}')).toBe(1)
  })

  it('drops a Binding request without the magic cookie, and a response sent to it, without a word', async () => {
    const { server, client } = await stunServer()
    const classic = stunRequest()
    classic.writeUInt32BE(0, 4)
    client.send(classic)
    client.send(stunRequest({ type: 0x0101 }))
    expect(await client.next(300)).toBeNull()
    expect(await metric(server, 'hush_stun_requests_total{outcome="dropped"}')).toBe(2)
  })

  it('fails the start with a message naming the port when it is taken', async () => {
    const { port } = await stunServer()
    await expect(startTestServer({ STUN_PORT: String(port) })).rejects.toThrow(`STUN_PORT ${port}`)
  })

  it('binds no UDP socket with STUN_PORT=0 and lists no STUN entry of its own', async () => {
    const before = udpHandles()
    const server = await startTestServer({ STUN_PORT: '0', STUN_URLS: 'stun:stun.example:3478' })
    // At most as many: an earlier test's sockets may finish closing meanwhile.
    expect(udpHandles()).toBeLessThanOrEqual(before)
    expect(server.server.stunPort()).toBeNull()
    expect(stunUrlsOf((await connectClient(server)).welcome)).toEqual(['stun:stun.example:3478'])
  })
})

describe('the STUN entry of session:welcome', () => {
  it('names the host the client used (its Host header without the port), first, then STUN_URLS', async () => {
    const { server, port } = await stunServer({ STUN_URLS: 'stun:stun.example:3478' })
    const { welcome } = await connectClient(server, { host: 'chat.example.org:8443' })
    expect(stunUrlsOf(welcome)).toEqual([`stun:chat.example.org:${port}`, 'stun:stun.example:3478'])
  })

  it('keeps an IPv6 Host bracketed', async () => {
    const { server, port } = await stunServer()
    expect(stunUrlsOf((await connectClient(server, { host: '[2001:db8::5]:8080' })).welcome)).toEqual([
      `stun:[2001:db8::5]:${port}`,
    ])
  })

  it('names PUBLIC_HOST when set, whatever the Host header', async () => {
    const { server, port } = await stunServer({ PUBLIC_HOST: 'hush.example.net' })
    expect(stunUrlsOf((await connectClient(server, { host: 'internal:8080' })).welcome)).toEqual([
      `stun:hush.example.net:${port}`,
    ])
  })

  it('falls back to HOST for a garbage Host header', async () => {
    const { server, port } = await stunServer()
    expect(stunUrlsOf((await connectClient(server, { host: 'bad host/../x' })).welcome)).toEqual([
      `stun:127.0.0.1:${port}`,
    ])
  })

  it('keeps the same STUN entry in the periodic session:ice refresh', async () => {
    const { server, port } = await stunServer({
      TURN_URLS: 'turn:127.0.0.1:3478',
      TURN_SECRET: 'a-very-long-test-secret',
      TURN_TTL_S: '1',
    })
    const client = await connectClient(server, { host: 'chat.example.org' })
    const refreshed = await nextEvent(client, 'session:ice', 8000)
    expect(stunUrlsOf({ iceServers: refreshed })).toEqual([`stun:chat.example.org:${port}`])
    expect(refreshed.find((entry) => entry.username !== undefined)).toBeDefined()
  })
})
