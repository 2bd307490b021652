// Matching by interests across two signaling processes on one Redis: pairs across nodes, and the
// fallback that pairs users of different nodes, whichever node's timer fires.
import { describe, expect, it } from 'vitest'
import { startNodes, useClusterRedis } from '../support/cluster.ts'
import { connectClient, nextEvent, quiet, request, type Client } from '../support/signaling.ts'
import { eventually } from '../support/timing.ts'

const redis = useClusterRedis()
const waitMs = 400

async function search(client: Client, payload: Record<string, unknown>): Promise<string> {
  const { error, data } = await request<{ status: string }>(client, 'match:find', payload)
  if (error) throw new Error(`refused: ${error.code}`)
  return data?.status ?? ''
}

describe('interests on two nodes', () => {
  it('pairs two users of different nodes who share an interest, before an earlier stranger who shares none', async () => {
    const [one, two] = await startNodes(redis.url, 2, { INTEREST_WAIT_MS: String(waitMs) })
    const plain = await connectClient(one!)
    const a = await connectClient(one!)
    const b = await connectClient(two!)
    await search(plain, { lang: 'en' })
    const foundA = nextEvent(a, 'match:found')
    await search(a, { interests: ['Chess'], lang: 'en', signKey: Buffer.alloc(32, 1).toString('base64') })
    expect(await search(b, { interests: ['chess', 'go'], strict: true })).toBe('matched')
    expect(await foundA).toMatchObject({ partner: { name: b.welcome.name }, common: ['chess'] })
    expect(await quiet(plain, 'match:found')).toBe(true)
  })

  it.each([
    ['the searcher with interests is on the node that must act', 0, 1],
    ['the open waiter is on the node that must act', 1, 0],
  ] as const)('opens a search to anyone on time across nodes: %s', async (_, fanNode, plainNode) => {
    const nodes = await startNodes(redis.url, 2, { INTEREST_WAIT_MS: String(waitMs) })
    const fan = await connectClient(nodes[fanNode]!)
    const plain = await connectClient(nodes[plainNode]!)
    const startedMs = Date.now()
    await search(fan, { interests: ['music'] })
    const [foundFan, foundPlain] = [nextEvent(fan, 'match:found'), nextEvent(plain, 'match:found')]
    expect(await search(plain, {})).toBe('queued')
    expect(await foundFan).toMatchObject({ initiator: false, partner: { name: plain.welcome.name }, common: [] })
    const elapsedMs = Date.now() - startedMs
    expect(await foundPlain).toMatchObject({ initiator: true, partner: { name: fan.welcome.name }, common: [] })
    expect(elapsedMs).toBeGreaterThanOrEqual(waitMs)
    expect(elapsedMs).toBeLessThan(waitMs + 300)
  })

  it('leaves no key of a search behind once its searchers are gone', async () => {
    const [one, two] = await startNodes(redis.url, 2, { INTEREST_WAIT_MS: '100' })
    const a = await connectClient(one!)
    const b = await connectClient(two!)
    await search(a, { interests: ['film', 'art'], lang: 'fr' })
    await search(b, { interests: ['go'], strict: true })
    expect(await redis.client.exists('hush:tag:fr:film', 'hush:tag:*:go', 'hush:tags')).toBe(3)
    await request(b, 'match:cancel')
    a.disconnect()
    const leftovers = async () =>
      (await redis.client.keys('hush:*')).filter((key) => /^hush:(open:|tag:|fallback$|langs$|tags$|seq$)/.test(key))
    expect(await eventually(leftovers, (keys) => keys.length === 0)).toEqual([])
  })
})
