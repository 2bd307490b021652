// A connection refused by the server's admission (connect_error with data.code): which refusal it was.
import type { ErrorCode } from '#protocol'

/** The codes the server's admission refuses a connection with (docs/protocol.md). */
export type RefusalCode = Extract<ErrorCode, 'too-many-connections' | 'rate-limited' | 'unavailable' | 'banned'>
const refusalCodes: readonly string[] = [
  'too-many-connections',
  'rate-limited',
  'unavailable',
  'banned',
] satisfies RefusalCode[]

/** The server's reason when a connect_error is an admission refusal (`data.code`), else null. */
export function refusalOf(error: Error): RefusalCode | null {
  const data: unknown = (error as { data?: unknown }).data
  if (typeof data !== 'object' || data === null) return null
  const code: unknown = (data as { code?: unknown }).code
  return typeof code === 'string' && refusalCodes.includes(code) ? (code as RefusalCode) : null
}

/** When a ban ends (epoch ms), from a refusal's or an error's data (`until`, at its top or under `data`); null if unsaid. */
export function banEnd(data: unknown): number | null {
  if (typeof data !== 'object' || data === null) return null
  const { until, data: inner } = data as { until?: unknown; data?: unknown }
  if (typeof until === 'number' && Number.isFinite(until)) return until
  return inner === undefined ? null : banEnd(inner)
}
