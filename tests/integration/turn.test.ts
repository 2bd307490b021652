import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { turnCredential } from '../../signaling/turn.ts'
import { startCoturn, tryAllocation, type Coturn } from '../support/coturn.ts'
import { closeAll, connectClient, startTestServer } from '../support/signaling.ts'

let coturn: Coturn

beforeAll(async () => {
  coturn = await startCoturn()
})
afterAll(async () => {
  await closeAll()
  await coturn.stop()
})

describe('TURN credentials against a real coturn', () => {
  it('are accepted by coturn and match an independently computed HMAC', async () => {
    const server = await startTestServer({ TURN_URLS: coturn.url, TURN_SECRET: coturn.secret })
    const { welcome } = await connectClient(server)
    const turn = welcome.iceServers.find((s) => s.username !== undefined)
    expect(turn?.urls).toEqual([coturn.url])
    const username = turn?.username ?? ''
    const expected = createHmac('sha1', coturn.secret).update(username).digest('base64')
    expect(turn?.credential).toBe(expected)
    const allocation = await tryAllocation(coturn.port, username, turn?.credential ?? '')
    expect(allocation.ok, allocation.output).toBe(true)
  })

  it('refuses a forged password', async () => {
    const { username } = turnCredential(coturn.secret, 'mallory', Math.floor(Date.now() / 1000) + 600)
    expect((await tryAllocation(coturn.port, username, 'Zm9yZ2VkLXBhc3N3b3Jk')).ok).toBe(false)
  })

  it('refuses an expired credential', async () => {
    const expired = turnCredential(coturn.secret, 'late', Math.floor(Date.now() / 1000) - 60)
    expect((await tryAllocation(coturn.port, expired.username, expired.credential)).ok).toBe(false)
  })

  it('refuses a credential signed with another secret', async () => {
    const other = turnCredential('another-secret-0123456789', 'eve', Math.floor(Date.now() / 1000) + 600)
    expect((await tryAllocation(coturn.port, other.username, other.credential)).ok).toBe(false)
  })
})
