// A real pino logger whose output the test reads back.
import { Writable } from 'node:stream'
import { createLogger, type Logger } from '../../signaling/logger.ts'

export interface CapturedLogs {
  logger: Logger
  /** Everything written so far, as written (JSON lines). */
  text(): string
  /** The entries written so far, parsed. */
  entries(): Array<Record<string, unknown>>
}

export function captureLogs(level = 'info'): CapturedLogs {
  const lines: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString())
      done()
    },
  })
  return {
    logger: createLogger(level, sink),
    text: () => lines.join(''),
    entries: () =>
      lines
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}
