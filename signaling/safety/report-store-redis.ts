// Reports in Redis, shared by every node. Keys (prefix P):
//   P reports                zset   report id, score = filed at (ms): the index, oldest first
//   P report:<id>            string the report's JSON, expiring with the retention
//   P report:once:<chat>:<s> string one report per chat side, for as long as the chat can be reported
//   P report:rate:<hash>     string reports filed by that address in the current hour
//   P reporters:<hash>       zset   distinct reporters of that address, score = when, trimmed to the window
import type { Redis } from 'ioredis'
import {
  hourMs,
  type FileOutcome,
  type ReportStore,
  type ReportStoreSettings,
  type StoredReport,
} from './report-store.ts'

/** ARGV: P, onceKey, reporter, reported, id, json, now, window, retention, perHour, maxStored, onceMs, hourMs. */
const fileLua = `
local P, now = ARGV[1], tonumber(ARGV[7])
local once = P .. 'report:once:' .. ARGV[2]
if redis.call('EXISTS', once) == 1 then return { 'duplicate' } end
local rate = P .. 'report:rate:' .. ARGV[3]
if tonumber(redis.call('GET', rate) or '0') >= tonumber(ARGV[10]) then return { 'capped' } end
redis.call('SET', once, '1', 'PX', ARGV[12])
if redis.call('INCR', rate) == 1 then redis.call('PEXPIRE', rate, ARGV[13]) end
local index = P .. 'reports'
redis.call('SET', P .. 'report:' .. ARGV[5], ARGV[6], 'PX', ARGV[9])
redis.call('ZADD', index, now, ARGV[5])
-- The index lives as long as its newest report.
redis.call('PEXPIRE', index, ARGV[9])
redis.call('ZREMRANGEBYSCORE', index, '-inf', '(' .. (now - tonumber(ARGV[9])))
local over = redis.call('ZCARD', index) - tonumber(ARGV[11])
if over > 0 then
  local oldest = redis.call('ZPOPMIN', index, over)
  for i = 1, #oldest, 2 do redis.call('DEL', P .. 'report:' .. oldest[i]) end
end
local reporters = P .. 'reporters:' .. ARGV[4]
if ARGV[3] ~= ARGV[4] then redis.call('ZADD', reporters, now, ARGV[3]) end
redis.call('ZREMRANGEBYSCORE', reporters, '-inf', '(' .. (now - tonumber(ARGV[8]) + 1))
redis.call('PEXPIRE', reporters, ARGV[8])
return { 'filed', redis.call('ZCARD', reporters) }
`

type FileReply = ['duplicate' | 'capped'] | ['filed', number]

export function createRedisReportStore(redis: Redis, settings: ReportStoreSettings, prefix = 'hush:'): ReportStore {
  const { windowMs, retentionMs, perHour, maxStored, onceMs } = settings
  redis.defineCommand('hushFileReport', { numberOfKeys: 0, lua: fileLua })
  const fileReport = (redis as unknown as { hushFileReport(...args: (string | number)[]): Promise<FileReply> })
    .hushFileReport
  return {
    async file({ report, onceKey, reporter }, nowMs): Promise<FileOutcome> {
      const reply = await fileReport.call(
        redis,
        prefix,
        onceKey,
        reporter,
        report.reported,
        report.id,
        JSON.stringify(report),
        nowMs,
        windowMs,
        retentionMs,
        perHour,
        maxStored,
        onceMs,
        hourMs,
      )
      return reply[0] === 'filed' ? { kind: 'filed', reporters: reply[1] } : { kind: reply[0] }
    },
    async list(nowMs, limit) {
      const ids = await redis.zrevrange(`${prefix}reports`, 0, limit - 1)
      if (ids.length === 0) return []
      const bodies = await redis.mget(ids.map((id) => `${prefix}report:${id}`))
      const reports = bodies.flatMap((body) => (body === null ? [] : [JSON.parse(body) as StoredReport]))
      const counts = new Map<string, number>()
      for (const reported of new Set(reports.map((report) => report.reported))) {
        counts.set(reported, await redis.zcount(`${prefix}reporters:${reported}`, nowMs - windowMs + 1, '+inf'))
      }
      return reports.map((report) => ({ ...report, reporters: counts.get(report.reported) ?? 0 }))
    },
  }
}
