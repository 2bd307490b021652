import type { EventEmitter } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { io as connect } from 'socket.io-client'
import {
  closeAll,
  connectClient,
  nextEvent,
  pair,
  refusedFrom,
  request,
  startTestServer,
} from '../support/signaling.ts'

afterEach(closeAll)

describe('what a held connection keeps', () => {
  it('keeps no copy of the upgrade request or handshake, yet the address and Origin checks still apply', async () => {
    const server = await startTestServer({ CORS_ORIGIN: 'https://hush.example', TRUST_PROXY: '1' })
    const client = connect(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { origin: 'https://hush.example', 'x-forwarded-for': '198.51.100.7' },
    })
    await nextEvent(client, 'session:welcome')
    const [socket] = [...server.server.io.of('/').sockets.values()]
    expect(socket?.data.ip).toBe('198.51.100.7')
    expect(socket?.handshake.headers).toEqual({})
    const engine = socket?.conn as unknown as { request: unknown; transport: { socket: EventEmitter } }
    expect(engine.request).toBeNull()
    expect(engine.transport.socket.listeners('error').map((listener) => listener.name)).not.toContain('onUpgradeError')
    client.close()

    expect(await refusedFrom(server, 'https://evil.example')).toBe(true)
  })

  it('still relays signals written in one tick, in order', async () => {
    const server = await startTestServer()
    const [a, b] = [await connectClient(server), await connectClient(server)]
    await pair(a, b)
    const signals = [
      { type: 'offer', sdp: 'v=0\r\n' },
      {
        type: 'candidate',
        candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 },
      },
    ]
    const received: unknown[] = []
    const both = new Promise<void>((resolve) =>
      b.on('signal:relay', (signal) => {
        if (received.push(signal) === signals.length) resolve()
      }),
    )
    // Sent in one tick, so both answers leave in the same tick through the corked socket.
    const acks = signals.map((signal) => request(a, 'signal:relay', signal))
    expect((await Promise.all(acks)).map((ack) => ack.error)).toEqual([null, null])
    await both
    expect(received).toEqual(signals)
  })
})
