// The Redis matcher's Lua helpers, part of every script (redis-scripts.ts): the same design as the
// memory store (memory-queue.ts) with sorted sets for FIFOs. Per language bucket b (the code, or '*'):
//   P open:<b>        zset  searchers anyone may take, score = sequence when they became open
//   P tag:<b>:<tag>   zset  searchers with that interest, score = sequence of arrival
//   P fallback        zset  non-strict searchers with interests, score = when they open to anyone (node clock, ms)
//   P langs           hash  bucket -> searchers in it (the buckets a searcher without language looks in)
//   P tags            zset  interest -> searchers with it (presence), a member removed at 0
//   P seq             string  the sequence, deleted when nobody searches (stats.searching back to 0)
// A searcher's hash holds q queued at, r relay room, i interests (comma-separated: a tag has no comma),
// g language, k sign key, x strict ('1'). Empty sorted sets vanish by themselves; hash fields and the
// sequence are deleted at 0, so a searcher who leaves leaves no key behind.
// Needs P, ukey, bump and node_alive from the helpers it is included in.
import { blockedLua } from './blocks.ts'

export const queueHelpers = `
local ANY = '*'
${blockedLua}
-- What the matcher reads of a user (HMGET; a missing field is false):
-- 1 name, 2 last partner, 3 language, 4 block key, 5 node, 6 queued at, 7 relay room, 8 interests,
-- 9 sign key, 10 strict, 11 chat.
local FIELDS = { 'n', 'l', 'g', 'b', 'node', 'q', 'r', 'i', 'k', 'x', 'c' }
local function user_state(id) return redis.call('HMGET', ukey(id), unpack(FIELDS)) end
local function bucket_of(lang) return lang or ANY end
local function tags_of(csv)
  local tags = {}
  if csv then for tag in string.gmatch(csv, '[^,]+') do tags[#tags + 1] = tag end end
  return tags
end
-- Whether two searchers may be paired: every rule between two people is here, for every candidate.
local function compatible(a_id, a, b_id, b)
  if a_id == b_id then return false end
  -- No immediate rematch, strictly (docs/protocol.md): with few searchers "unless another waits" never applies.
  if a[2] == b_id or b[2] == a_id then return false end
  if blocked(a[4], b[4]) then return false end
  -- I4: two who both gave a language must have given the same one.
  if a[3] and b[3] and a[3] ~= b[3] then return false end
  return true
end
-- With a language: its own bucket and the one of those who gave none; without: every active bucket.
local function buckets_for(lang)
  if lang then return { lang, ANY } end
  return redis.call('HKEYS', P .. 'langs')
end
local function tag_keys(lang, tags)
  local keys = {}
  for _, b in ipairs(buckets_for(lang)) do
    for _, tag in ipairs(tags) do keys[#keys + 1] = P .. 'tag:' .. b .. ':' .. tag end
  end
  return keys
end
local function open_keys(lang)
  local keys = {}
  for _, b in ipairs(buckets_for(lang)) do keys[#keys + 1] = P .. 'open:' .. b end
  return keys
end
-- The longest waiter (lowest score) compatible with the searcher among the first max_skips of each
-- FIFO; a waiter on a dead node is passed over (it is reaped soon). Returns id, state or nil.
local function best_of(keys, me_id, me, max_skips, now)
  local best, best_score, best_state
  for _, key in ipairs(keys) do
    local heads = redis.call('ZRANGE', key, 0, max_skips - 1, 'WITHSCORES')
    for i = 1, #heads, 2 do
      local id, score = heads[i], tonumber(heads[i + 1])
      if best_score and score >= best_score then break end
      local s = user_state(id)
      if not s[6] then
        redis.call('ZREM', key, id)
      elseif compatible(me_id, me, id, s) and node_alive(s[5], now) then
        best, best_score, best_state = id, score, s
        break
      end
    end
  end
  return best, best_state
end
local function next_seq() return redis.call('INCR', P .. 'seq') end
-- Queues a searcher whose state carries its search (3 language, 8 interests, 9 sign key, 10 strict);
-- returns when it opens to anyone, or false (no interests: open at once; strict: never).
local function enqueue(id, me, queued_at, room, deadline)
  local k, b, tags = ukey(id), bucket_of(me[3]), tags_of(me[8])
  local seq = next_seq()
  bump('searching', 1)
  redis.call('HINCRBY', P .. 'langs', b, 1)
  redis.call('HSET', k, 'q', queued_at, 'r', room)
  if me[3] then redis.call('HSET', k, 'g', me[3]) end
  if me[8] then redis.call('HSET', k, 'i', me[8]) end
  if me[9] then redis.call('HSET', k, 'k', me[9]) end
  if me[10] then redis.call('HSET', k, 'x', '1') end
  if #tags == 0 then
    redis.call('ZADD', P .. 'open:' .. b, seq, id)
    return false
  end
  for _, tag in ipairs(tags) do
    redis.call('ZADD', P .. 'tag:' .. b .. ':' .. tag, seq, id)
    redis.call('ZINCRBY', P .. 'tags', 1, tag)
  end
  if me[10] then return false end
  redis.call('ZADD', P .. 'fallback', deadline, id)
  return deadline
end
-- Takes a searcher out of every FIFO, the schedule and the counts (its relay room stays); false when not searching.
local function unqueue(id)
  local k = ukey(id)
  local u = redis.call('HMGET', k, 'q', 'g', 'i')
  if not u[1] then return false end
  local b = bucket_of(u[2])
  redis.call('ZREM', P .. 'open:' .. b, id)
  redis.call('ZREM', P .. 'fallback', id)
  for _, tag in ipairs(tags_of(u[3])) do
    redis.call('ZREM', P .. 'tag:' .. b .. ':' .. tag, id)
    if tonumber(redis.call('ZINCRBY', P .. 'tags', -1, tag)) <= 0 then redis.call('ZREM', P .. 'tags', tag) end
  end
  if redis.call('HINCRBY', P .. 'langs', b, -1) <= 0 then redis.call('HDEL', P .. 'langs', b) end
  if bump('searching', -1) <= 0 then redis.call('DEL', P .. 'seq') end
  redis.call('HDEL', k, 'q', 'g', 'i', 'k', 'x')
  return true
end
-- The interests both gave, in the first one's order, comma-separated.
local function common(mine, theirs)
  local shared, out = {}, {}
  for _, tag in ipairs(tags_of(theirs)) do shared[tag] = true end
  for _, tag in ipairs(tags_of(mine)) do
    if shared[tag] then out[#out + 1] = tag end
  end
  return table.concat(out, ',')
end
-- Pairs a waiter found in the queue (a, the initiator) with a searcher (b, whose room is b_room); both
-- leave the queue. Returns: chatId, then for a and b: id, name, relay room, sign key, queued at; common.
local function pair(chat_id, a_id, a, b_id, b, b_room)
  unqueue(a_id)
  unqueue(b_id)
  redis.call('HSET', ukey(a_id), 'c', chat_id, 'p', b_id)
  redis.call('HSET', ukey(b_id), 'c', chat_id, 'p', a_id, 'r', b_room)
  bump('chatting', 2)
  return { chat_id, a_id, a[1], a[7] or '', a[9] or '', a[6] or '', b_id, b[1], b_room, b[9] or '', b[6] or '',
    common(b[8], a[8]), a[4] or '', b[4] or '' }
end
`
