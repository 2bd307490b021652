// pino JSON logs. Info level never carries SDP, message text or IP addresses.
import { pino, type DestinationStream, type Logger } from 'pino'

export type { Logger }

export const createLogger = (level: string, destination?: DestinationStream): Logger =>
  pino({ level, base: { service: 'hush-signaling' }, redact: ['ip', 'sdp', 'signal', '*.sdp'] }, destination)
