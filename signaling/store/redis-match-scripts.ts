// The Redis store's scripts for searching (docs/protocol.md, "Matching by interests and language"):
// find, the fallback to anyone, cancel. Each is atomic on the primary, so nobody is paired twice;
// the queue's keys and helpers are in redis-queue-lua.ts.
import { script } from './redis-scripts.ts'

/**
 * ARGV: P, id, nowMs, chatId (made by the caller: scripts must stay deterministic), maxSkips, relayRoom,
 * interests (comma-separated, '' none), language ('' none), strict ('1' or ''), sign key ('' none), waitMs.
 * Returns {kind}, {'queued', fallback deadline or ''} or {'matched', ...pair()} (the waiter initiates).
 */
export const findScript = script(`
local id, max_skips, room = ARGV[2], tonumber(ARGV[5]), ARGV[6]
local me = user_state(id)
if not me[1] then return { 'unknown-user' } end
if me[11] then return { 'already-chatting' } end
if me[6] then return { 'already-searching' } end
local function given(value) return value ~= '' and value end
me[3], me[8], me[9], me[10] = given(ARGV[8]), given(ARGV[7]), given(ARGV[10]), given(ARGV[9])
local tags = tags_of(me[8])
-- I1/I2: with interests, only someone who shares one (until the fallback); without, the open FIFOs.
local keys
if #tags > 0 then keys = tag_keys(me[3], tags) else keys = open_keys(me[3]) end
local pick, pick_state = best_of(keys, id, me, max_skips, now_ms())
if not pick then
  local deadline = enqueue(id, me, ARGV[3], room, tonumber(ARGV[3]) + tonumber(ARGV[11]))
  return { 'queued', deadline and tostring(deadline) or '' }
end
local out = pair(ARGV[4], pick, pick_state, id, me, room)
table.insert(out, 1, 'matched')
return out
`)

/**
 * ARGV: P, nowMs, maxSkips, batch, then `batch` chat ids. Opens up to `batch` searches whose wait is over
 * by nowMs: each pairs with the longest compatible open waiter (who initiates), or joins its open FIFO.
 * Returns {'more' | 'done', ...pair() for each pairing}.
 */
export const fallbackScript = script(`
local max_skips, batch = tonumber(ARGV[3]), tonumber(ARGV[4])
local due = redis.call('ZRANGEBYSCORE', P .. 'fallback', '-inf', ARGV[2], 'LIMIT', 0, batch)
local out = { 'done' }
if #due == batch then out[1] = 'more' end
local now, chats = now_ms(), 0
for _, id in ipairs(due) do
  redis.call('ZREM', P .. 'fallback', id)
  local s = user_state(id)
  if s[6] then
    local pick, pick_state = best_of(open_keys(s[3]), id, s, max_skips, now)
    if pick then
      chats = chats + 1
      for _, value in ipairs(pair(ARGV[4 + chats], pick, pick_state, id, s, s[7] or '')) do out[#out + 1] = value end
    else
      redis.call('ZADD', P .. 'open:' .. bucket_of(s[3]), next_seq(), id)
    end
  end
end
return out
`)

/** ARGV: P, id. 1 when the user was searching. */
export const cancelScript = script(`
if not unqueue(ARGV[2]) then return 0 end
redis.call('HDEL', ukey(ARGV[2]), 'r')
return 1
`)
