import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { fullBucket, takeToken } from '#protocol/token-bucket.ts'
import { clientIp, originAllowed } from '../../signaling/connection-guard.ts'
import { iceServersFor, turnCredential } from '../../signaling/turn.ts'
import { adjectives, animals, createNameRegistry } from '../../signaling/names.ts'
import { presenceDelayMs } from '../../signaling/presence.ts'

describe('token bucket', () => {
  it('allows a burst, then refills at the configured rate', () => {
    const limit = { burst: 3, perSecond: 2 }
    const bucket = fullBucket(limit, 0)
    const take = (nowMs: number) => takeToken(bucket, limit, nowMs)
    expect([take(0), take(0), take(0), take(0)]).toEqual([true, true, true, false])
    expect(take(400)).toBe(false)
    expect(take(500)).toBe(true)
    expect(take(10_000)).toBe(true)
  })
})

describe('token bucket and the clock', () => {
  it('neither refills nor drains when the clock steps back', () => {
    const limit = { burst: 3, perSecond: 1 }
    const bucket = fullBucket(limit, 10_000)
    expect(takeToken(bucket, limit, 10_000)).toBe(true)
    // An hour back: still the two tokens left, not an hour's debt.
    expect(takeToken(bucket, limit, 10_000 - 3_600_000)).toBe(true)
    expect(takeToken(bucket, limit, 10_000 - 3_600_000)).toBe(true)
    expect(takeToken(bucket, limit, 10_000 - 3_600_000)).toBe(false)
    expect(takeToken(bucket, limit, 10_000 - 3_600_000 + 1000)).toBe(true)
  })
})

describe('connection guard', () => {
  it('believes X-Forwarded-For only for trusted hops', () => {
    const headers = { 'x-forwarded-for': '6.6.6.6, 1.2.3.4, 10.0.0.1' }
    expect(clientIp(headers, '127.0.0.1', 0)).toBe('127.0.0.1')
    expect(clientIp(headers, '127.0.0.1', 1)).toBe('10.0.0.1')
    expect(clientIp(headers, '127.0.0.1', 2)).toBe('1.2.3.4')
    expect(clientIp({}, '127.0.0.1', 2)).toBe('127.0.0.1')
  })

  it('allows same-origin and listed origins only', () => {
    expect(originAllowed(undefined, 'h:1', [])).toBe(true)
    expect(originAllowed('http://h:1', 'h:1', [])).toBe(true)
    expect(originAllowed('http://evil:1', 'h:1', [])).toBe(false)
    expect(originAllowed('https://app.example', 'h:1', ['https://app.example'])).toBe(true)
    expect(originAllowed('null', 'h:1', [])).toBe(false)
  })
})

describe('TURN credentials', () => {
  it('matches the coturn REST formula computed independently', () => {
    const { username, credential } = turnCredential('s3cret-s3cret-s3cret', 'user1', 1_800_000_000)
    expect(username).toBe('1800000000:user1')
    const expected = createHmac('sha1', 's3cret-s3cret-s3cret').update('1800000000:user1').digest('base64')
    expect(credential).toBe(expected)
  })

  it('expires TURN_TTL_S after now', () => {
    const servers = iceServersFor(
      { stunUrls: [], turnUrls: ['turn:t:3478'], turnSecret: 's3cret-s3cret-s3cret', turnTtlS: 600 },
      'u',
      1_000_000,
    )
    expect(servers[0]?.username).toBe(`${1000 + 600}:u`)
  })
})

describe('guest names', () => {
  const everyName = adjectives.length * animals.length
  const inSpace = (name: string) => {
    const [adjective, animal] = name.split(' ')
    return adjectives.some((a) => a === adjective) && animals.some((a) => a === animal)
  }

  it('avoids names in use while there is room, and frees them on release', () => {
    const registry = createNameRegistry()
    const names = Array.from({ length: 200 }, () => registry.take())
    expect(new Set(names).size).toBe(200)
    for (const name of names) registry.release(name)
    expect(registry.size).toBe(0)
  })

  it('hands out all 10,000 names before repeating one, and finds the last free one', () => {
    const registry = createNameRegistry()
    const names = Array.from({ length: everyName }, () => registry.take())
    expect(new Set(names).size).toBe(everyName)
    registry.release('Witty Zebra')
    expect(registry.take()).toBe('Witty Zebra')
  })

  it('still names everyone when every name is taken', () => {
    const registry = createNameRegistry()
    for (let i = 0; i < everyName; i++) registry.take()
    const duplicate = registry.take()
    expect(inSpace(duplicate)).toBe(true)
    registry.release(duplicate)
    expect(registry.size).toBe(everyName) // the first holder keeps it
  })
})

describe('presence coalescing', () => {
  it('waits 250 ms for small lobbies and caps a node at 20,000 presence frames per second', () => {
    expect(presenceDelayMs(0)).toBe(250)
    expect(presenceDelayMs(5000)).toBe(250)
    expect(presenceDelayMs(10_000)).toBe(500)
    expect(presenceDelayMs(20_000)).toBe(1000)
  })
})
