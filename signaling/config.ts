// The one place that reads process.env: parsed once, validated, frozen.
import { z } from 'zod'
import { defaultLimits, type Limits } from '#protocol'
import { urlHost } from './stun/advertised-host.ts'

const urlList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((url) => url.trim())
      .filter((url) => url.length > 0),
  )

const iceUrlList = urlList.pipe(
  z.array(z.string().regex(/^(stuns?|turns?):[^\s]+$/, 'must start with stun:, stuns:, turn: or turns:')),
)

const originList = urlList.pipe(
  z.array(
    z.union([z.literal('*'), z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be an origin like https://chat.example')]),
  ),
)

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback)
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback)

const envSchema = z.object({
  PORT: port(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  STUN_PORT: port(3478),
  STUN_HOST: z.string().min(1).optional(),
  PUBLIC_HOST: z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value === '') return undefined
      const host = urlHost(value)
      if (host === null) context.addIssue({ code: 'custom', message: 'must be a host name or an IP address' })
      return host ?? undefined
    }),
  CORS_ORIGIN: originList,
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  STUN_URLS: iceUrlList,
  TURN_URLS: iceUrlList,
  TURN_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  TURN_TTL_S: positiveInt(3600),
  MAX_CONN_PER_IP: z.coerce.number().int().min(0).default(20),
  CONNECT_RATE_PER_MIN: z.coerce.number().int().min(0).default(120),
  TRUST_PROXY: z
    .union([z.enum(['true', 'false']), z.string().regex(/^\d+$/, 'must be true, false or a hop count')])
    .default('false')
    .transform((value) => (value === 'true' ? 1 : value === 'false' ? 0 : Number(value))),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  STATIC_DIR: z.string().default('app/dist'),
  MAX_MESSAGE_CHARS: positiveInt(defaultLimits.maxMessageChars),
  MATCH_RATE_BURST: positiveInt(defaultLimits.match.burst),
  MATCH_RATE_PER_S: z.coerce.number().positive().default(defaultLimits.match.perSecond),
  SIGNAL_RATE_BURST: positiveInt(defaultLimits.signal.burst),
  SIGNAL_RATE_PER_S: z.coerce.number().positive().default(defaultLimits.signal.perSecond),
  RELAY: z.enum(['on', 'off']).default('on'),
  // Above 64 KB a frame would need a larger engine.io buffer for every client: sealed frames are small.
  RELAY_MAX_FRAME_BYTES: z.coerce.number().int().min(1024).max(65_536).default(defaultLimits.relay.maxFrameBytes),
  RELAY_BYTES_PER_S: positiveInt(defaultLimits.relay.bytesPerSecond),
  RELAY_RATE_BURST: positiveInt(defaultLimits.relay.burst),
  RELAY_RATE_PER_S: z.coerce.number().positive().default(defaultLimits.relay.perSecond),
  RELAY_IMAGES: z.enum(['on', 'off']).default(defaultLimits.relay.images ? 'on' : 'off'),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(60_000).default(4000),
  // An hour at most: a session held longer keeps its address slot and its partner waiting for nothing.
  RESUME_GRACE_S: z.coerce.number().int().min(0).max(3600).default(30),
  // Ten minutes at most: longer, a searcher with interests would wait for nobody while others are free.
  INTEREST_WAIT_MS: z.coerce
    .number('must be a number of milliseconds')
    .int('must be a whole number of milliseconds')
    .min(0, 'must be 0 (open to anyone at once) or more')
    .max(600_000, 'must be at most 600000 (ten minutes)')
    .default(defaultLimits.interestWaitMs),
  REPORT_WINDOW_S: positiveInt(86_400),
  REPORT_RETENTION_S: positiveInt(2_592_000),
  REPORT_BAN_THRESHOLD: positiveInt(3),
  REPORT_MAX_PER_HOUR: positiveInt(10),
  REPORT_MAX_STORED: positiveInt(100_000),
  BAN_TTL_S: positiveInt(86_400),
  BLOCK_TTL_S: positiveInt(86_400),
  POW: z.enum(['off', 'auto', 'always']).default('auto'),
  POW_AUTO_RATE: positiveInt(500),
  // Mean tries of 1,000 PBKDF2 rounds each; a solve takes about POW_COST × 0.4 ms on one core here.
  POW_COST: z.coerce.number().int().min(10).max(1_000_000).default(2000),
  ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
})

export interface Config {
  port: number
  host: string
  /** UDP port of the built-in STUN server; 0 when it is off. */
  stunPort: number
  /** The address STUN listens on (HOST unless STUN_HOST says otherwise). */
  stunHost: string
  /** The host name browsers are told to reach STUN at; unset: the Host header each client used. */
  publicHost: string | undefined
  corsOrigins: readonly string[]
  redisUrl: string | undefined
  stunUrls: readonly string[]
  turnUrls: readonly string[]
  turnSecret: string | undefined
  turnTtlS: number
  maxConnPerIp: number
  /** New connections per address per minute, across all nodes; 0 means unlimited. */
  connectRatePerMin: number
  /** How many proxies in front of us to believe in X-Forwarded-For; 0 believes none. */
  trustProxyHops: number
  logLevel: string
  staticDir: string
  /** Whether sealed frames are relayed between partners (relay:frame). */
  relay: boolean
  limits: Limits
  shutdownGraceMs: number
  /** How long a session whose connection was lost stays resumable, in seconds; 0 turns resume off. */
  resumeGraceS: number
  safety: SafetyConfig
}

export interface SafetyConfig {
  /** How long after a chat's end it can still be reported or blocked; also the window distinct reporters are counted in. */
  reportWindowS: number
  reportRetentionS: number
  /** Distinct reporters (addresses) within the window that ban an address. */
  banThreshold: number
  /** Reports one address may file per hour. */
  reportsPerHour: number
  /** Reports kept at most; the oldest go first. */
  maxStoredReports: number
  banTtlS: number
  blockTtlS: number
  pow: 'off' | 'auto' | 'always'
  /** match:find per second on this node above which `auto` asks everyone for proof of work. */
  powAutoRate: number
  /** Mean number of key derivations a challenge takes to solve. */
  powCost: number
  /** The operator API's bearer token; undefined: no operator API. */
  adminToken: string | undefined
}

export class ConfigError extends Error {}

/** Parses the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`)
  }
  const e = parsed.data
  if (e.TURN_URLS.length > 0 && e.TURN_SECRET === undefined) {
    throw new ConfigError('invalid configuration: TURN_SECRET: required when TURN_URLS is set')
  }
  if (e.RELAY_BYTES_PER_S < e.RELAY_MAX_FRAME_BYTES) {
    throw new ConfigError('invalid configuration: RELAY_BYTES_PER_S: must be at least RELAY_MAX_FRAME_BYTES')
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    stunPort: e.STUN_PORT,
    stunHost: e.STUN_HOST ?? e.HOST,
    publicHost: e.PUBLIC_HOST,
    corsOrigins: Object.freeze(e.CORS_ORIGIN),
    redisUrl: e.REDIS_URL,
    stunUrls: Object.freeze(e.STUN_URLS),
    turnUrls: Object.freeze(e.TURN_URLS),
    turnSecret: e.TURN_SECRET,
    turnTtlS: e.TURN_TTL_S,
    maxConnPerIp: e.MAX_CONN_PER_IP,
    connectRatePerMin: e.CONNECT_RATE_PER_MIN,
    trustProxyHops: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    staticDir: e.STATIC_DIR,
    limits: Object.freeze({
      ...defaultLimits,
      maxMessageChars: e.MAX_MESSAGE_CHARS,
      interestWaitMs: e.INTEREST_WAIT_MS,
      reportWindowS: e.REPORT_WINDOW_S,
      match: { burst: e.MATCH_RATE_BURST, perSecond: e.MATCH_RATE_PER_S },
      signal: { burst: e.SIGNAL_RATE_BURST, perSecond: e.SIGNAL_RATE_PER_S },
      relay: {
        burst: e.RELAY_RATE_BURST,
        perSecond: e.RELAY_RATE_PER_S,
        maxFrameBytes: e.RELAY_MAX_FRAME_BYTES,
        bytesPerSecond: e.RELAY_BYTES_PER_S,
        images: e.RELAY_IMAGES === 'on',
      },
    }),
    relay: e.RELAY === 'on',
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    resumeGraceS: e.RESUME_GRACE_S,
    safety: Object.freeze({
      reportWindowS: e.REPORT_WINDOW_S,
      reportRetentionS: e.REPORT_RETENTION_S,
      banThreshold: e.REPORT_BAN_THRESHOLD,
      reportsPerHour: e.REPORT_MAX_PER_HOUR,
      maxStoredReports: e.REPORT_MAX_STORED,
      banTtlS: e.BAN_TTL_S,
      blockTtlS: e.BLOCK_TTL_S,
      pow: e.POW,
      powAutoRate: e.POW_AUTO_RATE,
      powCost: e.POW_COST,
      adminToken: e.ADMIN_TOKEN,
    }),
  })
}
