// Where reports are kept: the interface both stores implement (report-store-memory.ts, report-store-redis.ts).
import type { Evidence, ReportReason } from '#protocol'

/** A report as the operator sees it: the reported address as its keyed hash, never an address. */
export interface StoredReport {
  id: string
  /** When it was filed, ms since the epoch. */
  at: number
  reason: ReportReason
  note: string
  evidence: Evidence[]
  reported: string
  /** The chat and the reported side's key in it: anyone can check the evidence again with these. */
  chatId: string
  signKey: string
}

export interface Filing {
  report: StoredReport
  /** One report per reporter and chat: `<chatId>:<side>`. */
  onceKey: string
  /** The reporter's address hash: counted per hour, and once among the reported address's distinct reporters. */
  reporter: string
}

export type FileOutcome =
  | { kind: 'filed'; reporters: number }
  | { kind: 'duplicate' }
  /** The reporter's hourly cap: nothing stored. */
  | { kind: 'capped' }

export interface ReportStoreSettings {
  windowMs: number
  retentionMs: number
  perHour: number
  maxStored: number
  /** How long a chat can be reported at all: the once-keys live that long. */
  onceMs: number
}

export interface ReportStore {
  /** Stores a verified report, atomically: once per chat side, within the reporter's hourly cap. */
  file(filing: Filing, nowMs: number): Promise<FileOutcome>
  /** The newest reports first (at most `limit`), each with its reported address's distinct reporters in the window. */
  list(nowMs: number, limit: number): Promise<Array<StoredReport & { reporters: number }>>
}

export const hourMs = 3_600_000
