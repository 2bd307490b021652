// Reports in this process's memory: lost on restart (docs/moderation.md). Bounded by the total cap (oldest
// evicted first), the retention, and the per-reporter hourly cap.
import { createExpiringMap } from './expiring-map.ts'
import { hourMs, type ReportStore, type ReportStoreSettings, type StoredReport } from './report-store.ts'

export function createMemoryReportStore(settings: ReportStoreSettings): ReportStore {
  const { windowMs, retentionMs, perHour, maxStored, onceMs } = settings
  // Filed in time order, so the Map's first entries are the oldest.
  const reports = new Map<string, StoredReport>()
  const once = createExpiringMap<true>()
  const hourly = createExpiringMap<{ count: number; untilMs: number }>()
  /** Per reported address: reporter hash → when they last reported it. */
  const reporters = createExpiringMap<Map<string, number>>(maxStored)

  function trim(nowMs: number): void {
    for (const [id, report] of reports) {
      if (reports.size <= maxStored && report.at > nowMs - retentionMs) break
      reports.delete(id)
    }
  }

  function distinct(reported: string, nowMs: number): number {
    const seen = reporters.get(reported, nowMs)
    if (!seen) return 0
    for (const [reporter, at] of seen) if (at <= nowMs - windowMs) seen.delete(reporter)
    return seen.size
  }

  return {
    async file({ report, onceKey, reporter }, nowMs) {
      if (once.get(onceKey, nowMs)) return { kind: 'duplicate' }
      // The hour runs from the first report in it, as Redis's INCR + PEXPIRE does.
      const hour = hourly.get(reporter, nowMs) ?? { count: 0, untilMs: nowMs + hourMs }
      if (hour.count >= perHour) return { kind: 'capped' }
      once.set(onceKey, true, nowMs + onceMs, nowMs)
      hourly.set(reporter, { count: hour.count + 1, untilMs: hour.untilMs }, hour.untilMs, nowMs)
      reports.set(report.id, report)
      trim(nowMs)
      const seen = reporters.get(report.reported, nowMs) ?? new Map<string, number>()
      // Reporting one's own address (two people behind one NAT) never counts towards a ban.
      if (reporter !== report.reported) seen.set(reporter, nowMs)
      reporters.set(report.reported, seen, nowMs + windowMs, nowMs)
      return { kind: 'filed', reporters: distinct(report.reported, nowMs) }
    },
    async list(nowMs, limit) {
      trim(nowMs)
      return [...reports.values()]
        .slice(-limit)
        .reverse()
        .map((report) => ({ ...report, reporters: distinct(report.reported, nowMs) }))
    },
  }
}
