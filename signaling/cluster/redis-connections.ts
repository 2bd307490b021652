// The Redis connections of one node: commands (store scripts and the adapter's publishes) and the
// adapter's subscriber. Error listeners on both: an outage is logged, never thrown, and ioredis
// reconnects on its own (resubscribing the subscriber).
import { Redis } from 'ioredis'
import type { Logger } from '../logger.ts'

export interface RedisConnections {
  command: Redis
  subscriber: Redis
  /** Resolves once the command connection is ready (the first time). */
  ready(): Promise<void>
  close(): Promise<void>
}

/** A command that gets no answer in this time fails (as `unavailable`) instead of hanging a request. */
export const commandTimeoutMs = 2000

export function connectRedis(url: string, logger: Logger): RedisConnections {
  const retryStrategy = (attempt: number) => Math.min(100 * attempt, 1000)
  const command = new Redis(url, {
    // Fail fast while Redis is away: users get `unavailable` now rather than a late answer.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    // Commands of one tick leave in one write: Redis CPU per match 46–50 µs without, 29–32 µs with
    // (bench:signaling --redis, 2 nodes); scripts still fall back to EVAL on NOSCRIPT (restart test).
    enableAutoPipelining: true,
    retryStrategy,
    connectionName: 'hush-command',
  })
  const subscriber = new Redis(url, { maxRetriesPerRequest: null, retryStrategy, connectionName: 'hush-subscriber' })
  guardFireAndForget(command, ['spublish'], logger)
  guardFireAndForget(subscriber, ['ssubscribe', 'sunsubscribe'], logger)

  for (const [role, client] of [
    ['command', command],
    ['subscriber', subscriber],
  ] as const) {
    let down = false
    client.on('error', (error: Error) => {
      if (!down) logger.warn({ redis: role, reason: error.message }, 'Redis connection error')
      down = true
    })
    client.on('ready', () => {
      if (down) logger.info({ redis: role }, 'Redis connection restored')
      down = false
    })
  }

  const firstReady = new Promise<void>((resolve) => {
    if (command.status === 'ready') resolve()
    else command.once('ready', () => resolve())
  })

  return {
    command,
    subscriber,
    ready: () => firstReady,
    async close() {
      // QUIT lets pending replies arrive; a connection that is down has none worth waiting for.
      const quit = (client: Redis) => (client.status === 'ready' ? client.quit() : Promise.resolve())
      await Promise.allSettled([quit(command), quit(subscriber)])
      command.disconnect()
      subscriber.disconnect()
    },
  }
}

/**
 * The adapter calls these without handling the returned promise: while Redis is away (or at
 * shutdown) a rejection would become an unhandled rejection and end the process. Logged instead.
 */
function guardFireAndForget(client: Redis, methods: readonly string[], logger: Logger): void {
  const target = client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
  for (const method of methods) {
    const original = target[method]
    if (typeof original !== 'function') continue
    target[method] = (...args: unknown[]) => {
      const result = original.apply(client, args)
      result.catch((error: unknown) => logger.debug({ err: error, method }, 'Redis call lost'))
      return result
    }
  }
}

/** Redis's run_id: a new one means Redis restarted (and, without persistence, lost its data). */
export async function redisRunId(redis: Redis): Promise<string> {
  const info = await redis.info('server')
  return /run_id:(\w+)/.exec(info)?.[1] ?? ''
}
