// pino JSON logs. Info level never carries SDP, message text or IP addresses.
import { pino, type Logger } from 'pino'

export type { Logger }

export const createLogger = (level: string): Logger =>
  pino({ level, base: { service: 'hush-signaling' }, redact: ['ip', 'sdp', 'signal', '*.sdp'] })
