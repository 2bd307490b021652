// The socket.io server as Hush runs it: WebSocket only, small frames, the Origin check at the door.
import type { Server as HttpServer } from 'node:http'
import { Server } from 'socket.io'
import type { Config } from './config.ts'
import { originAllowed } from './connection-guard.ts'
import type { HushServer } from './server.ts'
import { reportLimits } from '#protocol'

// A report at its limits: every evidence text at 4 UTF-8 bytes a character, with room for ids and signatures.
const maxReportBytes = (config: Config) =>
  reportLimits.maxEvidence * (config.limits.maxMessageChars * 4 + 256) + reportLimits.maxNoteChars * 4 + 1024

/** Signaling needs ~16 KB (one SDP), a relayed frame its cap, a report its evidence; anything bigger is refused by engine.io before parsing. */
const maxHttpBufferSizeFor = (config: Config) =>
  Math.max(20 * 1024, config.limits.relay.maxFrameBytes + 4 * 1024, maxReportBytes(config))

export function createSocketServer(
  http: HttpServer,
  config: Config,
  gate: { closing(): boolean; originRefused(): void },
): HushServer {
  return new Server(http, {
    // WebSocket only: no long-polling state per client, and no sticky sessions needed behind a load balancer.
    transports: ['websocket'],
    maxHttpBufferSize: maxHttpBufferSizeFor(config),
    perMessageDeflate: false,
    httpCompression: false,
    serveClient: false,
    pingInterval: 25_000,
    pingTimeout: 20_000,
    connectTimeout: 10_000,
    cors: config.corsOrigins.length > 0 ? { origin: [...config.corsOrigins] } : undefined,
    allowRequest(req, callback) {
      if (gate.closing()) return callback('unavailable', false)
      if (originAllowed(req.headers.origin, req.headers.host, config.corsOrigins)) return callback(null, true)
      gate.originRefused()
      callback('origin-refused', false)
    },
  })
}
