// Entry point: configuration, listen, graceful shutdown on SIGTERM/SIGINT.
import { ConfigError, loadConfig, type Config } from './config.ts'
import { createLogger } from './logger.ts'
import { createSignalingServer } from './server.ts'

let config: Config
try {
  config = loadConfig()
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  process.stderr.write(`hush: ${error.message}\n`)
  process.exit(78) // EX_CONFIG
}

const logger = createLogger(config.logLevel)
const server = createSignalingServer(config, { logger })
let port: number
try {
  port = await server.listen()
} catch (error) {
  // A port in use (HTTP or STUN) or Redis refusing: one line naming it, not a stack trace.
  process.stderr.write(`hush: cannot start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
logger.info(
  { host: config.host, port, stunPort: server.stunPort(), store: config.redisUrl ? 'redis' : 'memory' },
  `Hush listening on http://${config.host}:${port}`,
)

let stopping = false
const stop = (signal: string) => {
  if (stopping) return
  stopping = true
  logger.info({ via: signal }, 'shutting down')
  // Exit within the grace period even if a client never closes.
  setTimeout(() => process.exit(0), config.shutdownGraceMs + 500).unref()
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed')
      process.exit(1)
    },
  )
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))
