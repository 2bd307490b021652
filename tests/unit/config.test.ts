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
    expect(config.stunPort).toBe(3478)
    expect(config.stunHost).toBe('127.0.0.1')
    expect(config.publicHost).toBeUndefined()
    expect(config.resumeGraceS).toBe(30)
    expect(config.limits.interestWaitMs).toBe(5000)
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('announces INTEREST_WAIT_MS in the limits, 0 (open to anyone at once) included', () => {
    expect(loadConfig({ INTEREST_WAIT_MS: '800' }).limits.interestWaitMs).toBe(800)
    expect(loadConfig({ INTEREST_WAIT_MS: '0' }).limits.interestWaitMs).toBe(0)
  })

  it('has the safety defaults, and names a bad safety variable', () => {
    expect(loadConfig({}).safety).toEqual({
      reportWindowS: 86_400,
      reportRetentionS: 2_592_000,
      banThreshold: 3,
      reportsPerHour: 10,
      maxStoredReports: 100_000,
      banTtlS: 86_400,
      blockTtlS: 86_400,
      pow: 'auto',
      powAutoRate: 500,
      powCost: 2000,
      adminToken: undefined,
    })
    expect(loadConfig({ REPORT_WINDOW_S: '3600' }).limits.reportWindowS).toBe(3600) // the app reads it
    expect(() => loadConfig({ POW: 'sometimes' })).toThrow(/POW/)
    expect(() => loadConfig({ ADMIN_TOKEN: 'x'.repeat(31) })).toThrow(/ADMIN_TOKEN: must be at least 32 characters/)
    expect(() => loadConfig({ REPORT_BAN_THRESHOLD: '0' })).toThrow(/REPORT_BAN_THRESHOLD/)
    expect(loadConfig({ ADMIN_TOKEN: 'x'.repeat(32) }).safety.adminToken).toBe('x'.repeat(32))
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

  it('reads the relay settings: on by default, limits announced in limits.relay', () => {
    expect(loadConfig({}).relay).toBe(true)
    expect(loadConfig({ RELAY: 'off' }).relay).toBe(false)
    const config = loadConfig({
      RELAY_MAX_FRAME_BYTES: '8192',
      RELAY_BYTES_PER_S: '65536',
      RELAY_RATE_BURST: '10',
      RELAY_RATE_PER_S: '2.5',
    })
    expect(config.limits.relay).toEqual({
      burst: 10,
      perSecond: 2.5,
      maxFrameBytes: 8192,
      bytesPerSecond: 65536,
      images: false,
    })
    expect(loadConfig({}).limits.relay.bytesPerSecond).toBe(262_144)
    expect(loadConfig({ RELAY_IMAGES: 'on' }).limits.relay.images).toBe(true)
    expect(() => loadConfig({ RELAY_IMAGES: 'yes' })).toThrow(/RELAY_IMAGES/)
  })

  it('reads the STUN settings: off with 0, STUN_HOST defaulting to HOST, PUBLIC_HOST as a URL host', () => {
    expect(loadConfig({ STUN_PORT: '0' }).stunPort).toBe(0)
    expect(loadConfig({ HOST: '0.0.0.0' }).stunHost).toBe('0.0.0.0')
    expect(loadConfig({ HOST: '127.0.0.1', STUN_HOST: '::' }).stunHost).toBe('::')
    expect(loadConfig({ PUBLIC_HOST: 'Chat.Example.com' }).publicHost).toBe('chat.example.com')
    expect(loadConfig({ PUBLIC_HOST: '2001:db8::7' }).publicHost).toBe('[2001:db8::7]')
    expect(loadConfig({ PUBLIC_HOST: '' }).publicHost).toBeUndefined()
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
    ['STUN_PORT', { STUN_PORT: '65536' }],
    ['STUN_PORT', { STUN_PORT: 'udp' }],
    ['PUBLIC_HOST', { PUBLIC_HOST: 'https://chat.example.com' }],
    ['PUBLIC_HOST', { PUBLIC_HOST: 'chat.example.com:3478' }],
    ['RELAY', { RELAY: 'no' }],
    ['RELAY_BYTES_PER_S', { RELAY_BYTES_PER_S: '0' }],
    ['RELAY_BYTES_PER_S', { RELAY_BYTES_PER_S: '1000' }],
    ['RELAY_MAX_FRAME_BYTES', { RELAY_MAX_FRAME_BYTES: '1000000' }],
    ['RELAY_RATE_PER_S', { RELAY_RATE_PER_S: '-1' }],
    ['RESUME_GRACE_S', { RESUME_GRACE_S: '-1' }],
    ['RESUME_GRACE_S', { RESUME_GRACE_S: '1.5' }],
    ['RESUME_GRACE_S', { RESUME_GRACE_S: 'soon' }],
    ['INTEREST_WAIT_MS', { INTEREST_WAIT_MS: '-1' }],
    ['INTEREST_WAIT_MS', { INTEREST_WAIT_MS: '2.5' }],
    ['INTEREST_WAIT_MS', { INTEREST_WAIT_MS: 'five seconds' }],
    ['INTEREST_WAIT_MS', { INTEREST_WAIT_MS: '600001' }],
  ])('names %s when its value is bad', (name, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(name)
  })
})
