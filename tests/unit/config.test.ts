import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../signaling/config.ts'

describe('loadConfig', () => {
  it('has working defaults with no environment', () => {
    const config = loadConfig({})
    expect(config.port).toBe(8080)
    expect(config.host).toBe('127.0.0.1')
    expect(config.redisUrl).toBeUndefined()
    expect(config.turnTtlS).toBe(3600)
    expect(config.trustProxyHops).toBe(0)
    expect(config.limits.maxMessageChars).toBe(500)
    expect(config.resumeGraceS).toBe(30)
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('parses lists and numbers', () => {
    const config = loadConfig({
      PORT: '9000',
      STUN_URLS: 'stun:a.example:3478, stun:b.example',
      TURN_URLS: 'turn:t.example:3478?transport=udp,turns:t.example:443',
      TURN_SECRET: '0123456789abcdef',
      CORS_ORIGIN: 'https://hush.example',
      TRUST_PROXY: '2',
      RESUME_GRACE_S: '0',
    })
    expect(config.port).toBe(9000)
    expect(config.stunUrls).toEqual(['stun:a.example:3478', 'stun:b.example'])
    expect(config.turnUrls).toHaveLength(2)
    expect(config.corsOrigins).toEqual(['https://hush.example'])
    expect(config.trustProxyHops).toBe(2)
    expect(config.resumeGraceS).toBe(0)
  })

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['STUN_URLS', { STUN_URLS: 'http://not-stun' }],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }],
    ['TURN_SECRET', { TURN_URLS: 'turn:t.example' }],
    ['TURN_SECRET', { TURN_SECRET: 'short' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'yes' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['CORS_ORIGIN', { CORS_ORIGIN: 'hush.example' }],
    ['MAX_CONN_PER_IP', { MAX_CONN_PER_IP: '-1' }],
    ['RESUME_GRACE_S', { RESUME_GRACE_S: '-1' }],
    ['RESUME_GRACE_S', { RESUME_GRACE_S: '1.5' }],
    ['RESUME_GRACE_S', { RESUME_GRACE_S: 'soon' }],
  ])('names %s when its value is bad', (name, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(name)
  })
})
