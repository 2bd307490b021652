// Requests a client sends back to back, across real signaling processes over one real redis-server:
// each is applied in order, so what one changes (the chat, the relay room) is what the next one sees.
import { describe, expect, it } from 'vitest'
import { startNodes, useClusterRedis } from '../support/cluster.ts'
import { connectClient, nextEvent, pair, request, type Client } from '../support/signaling.ts'

const redis = useClusterRedis()

const offer = { type: 'offer', sdp: 'v=0\r\n' }
const answer = { type: 'answer', sdp: 'v=0\r\n' }

describe('match:leave then match:find without waiting', () => {
  it('hands the next partner the relay room the user listens on: their signals arrive, every time', async () => {
    const [one, two] = await startNodes(redis.url, 2, { MATCH_RATE_BURST: '100', MATCH_RATE_PER_S: '100' })
    const user = await connectClient(one!)
    // Partners on the other node: every chat the user leaves moves them to a new relay room.
    let partner: Client = await connectClient(two!)
    await pair(user, partner)
    for (let round = 0; round < 20; round++) {
      const next = await connectClient(two!)
      expect((await request(next, 'match:find', {})).data).toEqual({ status: 'queued' })
      const found = nextEvent(user, 'match:found')
      const foundByNext = nextEvent(next, 'match:found')
      const ended = nextEvent(partner, 'match:ended')
      // What a Skip sends: the leave and the next search in one go, no ack awaited in between.
      const left = request(user, 'match:leave', { reason: 'skipped' })
      const searched = request(user, 'match:find', {})
      expect((await left).error).toBeNull()
      expect((await searched).data).toEqual({ status: 'matched' })
      expect((await found).partner.name).toBe(next.welcome.name)
      expect((await foundByNext).partner.name).toBe(user.welcome.name)
      await ended
      const atUser = nextEvent(user, 'signal:relay', 2000)
      expect((await request(next, 'signal:relay', offer)).error).toBeNull()
      expect(await atUser).toEqual(offer)
      const atNext = nextEvent(next, 'signal:relay', 2000)
      expect((await request(user, 'signal:relay', answer)).error).toBeNull()
      expect(await atNext).toEqual(answer)
      partner.disconnect()
      partner = next
    }
  })
})
