// The Redis store's Lua scripts: each MatchStore method is one script, so it runs atomically on the
// primary (no interleaving, no lost waiter, no user matched twice) in one round trip.
// Keys (prefix P, default "hush:"):
//   P u:<id>           hash  n name, node ('' in its grace), ip, t resume key, b block key, r relay room
//                            (searching or chatting), c chatId + p partner (chatting), l last partner, and
//                            while searching the fields of redis-queue-lua.ts (q queuedAt, i, g, k, x)
//   P open:… tag:… fallback langs tags seq   the matcher's queue (redis-queue-lua.ts)
//   P block:<a>|<b>    string a block between two block keys, with its TTL (store/blocks.ts)
//   P stats            hash  online, searching, chatting (a field at 0 is deleted, so an empty population leaves no key)
//   P nodes            zset  live nodes, score = heartbeat deadline (Redis clock, ms); -1 while being reaped
//   P node:<n>:users   set   the users a node serves: reaped with it when its heartbeat stops
//   P node:<n>:ips     hash  ip -> live connections on that node (per-IP cap across nodes)
//   P resume           hash  resume key (a hash of the token) -> user id, one per user
//   P grace            zset  users whose connection was lost, owned by no node, score = end of grace (Redis clock)
//   P grace:ips        hash  ip -> sessions in their grace (they keep their address slot)
// Every key but `nodes` is either owned by a node (reaped with it), swept at a deadline (grace), or
// deleted when it empties.
// Scripts build key names from ARGV[1]: fine on one primary; Redis Cluster would need hash tags (docs/scaling.md).

import { queueHelpers } from './redis-queue-lua.ts'

const helpers = `
local P = ARGV[1]
local function ukey(id) return P .. 'u:' .. id end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function bump(field, by)
  local value = redis.call('HINCRBY', P .. 'stats', field, by)
  if value <= 0 then redis.call('HDEL', P .. 'stats', field) end
  return value
end
local function node_alive(node, now)
  local deadline = redis.call('ZSCORE', P .. 'nodes', node)
  return deadline and tonumber(deadline) >= now
end
${queueHelpers}local function end_chat(id)
  local k = ukey(id)
  local chat = redis.call('HGET', k, 'c')
  if not chat then return nil end
  local partner = redis.call('HGET', k, 'p')
  redis.call('HDEL', k, 'c', 'p', 'r')
  redis.call('HSET', k, 'l', partner)
  bump('chatting', -1)
  local pk = ukey(partner)
  if redis.call('HGET', pk, 'c') == chat then
    redis.call('HDEL', pk, 'c', 'p', 'r')
    redis.call('HSET', pk, 'l', id)
    bump('chatting', -1)
  end
  return { chat, partner }
end
-- Where an address's slots are counted: per node, or for sessions in their grace (node '').
local function ips_key(node)
  if node == '' then return P .. 'grace:ips' end
  return P .. 'node:' .. node .. ':ips'
end
local function hold_ip(node, ip)
  if ip and ip ~= '' then redis.call('HINCRBY', ips_key(node), ip, 1) end
end
local function release_ip(node, ip)
  if not ip or ip == '' then return end
  local key = ips_key(node)
  if redis.call('HINCRBY', key, ip, -1) <= 0 then redis.call('HDEL', key, ip) end
end
-- The slots an address holds: live connections on every node, plus sessions in their grace.
local function address_total(ip)
  local total = tonumber(redis.call('HGET', P .. 'grace:ips', ip) or 0)
  for _, n in ipairs(redis.call('ZRANGE', P .. 'nodes', 0, -1)) do
    total = total + tonumber(redis.call('HGET', P .. 'node:' .. n .. ':ips', ip) or 0)
  end
  return total
end
local function remove_user(id)
  local k = ukey(id)
  local node = redis.call('HGET', k, 'node')
  if not node then return nil end
  unqueue(id)
  local ended = end_chat(id)
  release_ip(node, redis.call('HGET', k, 'ip'))
  local key = redis.call('HGET', k, 't')
  if key then redis.call('HDEL', P .. 'resume', key) end
  redis.call('DEL', k)
  if node == '' then
    redis.call('ZREM', P .. 'grace', id)
  else
    redis.call('SREM', P .. 'node:' .. node .. ':users', id)
  end
  bump('online', -1)
  return ended
end
-- Removes these users, adding each chat that ended to out: ..., chatId, partner.
local function remove_all(ids, out)
  for _, id in ipairs(ids) do
    local ended = remove_user(id)
    if ended then
      out[#out + 1] = ended[1]
      out[#out + 1] = ended[2]
    end
  end
  return out
end
-- Marks the node as being reaped (its heartbeat answers 'expired' from now on), removes up to
-- batch of its users and, once none are left, the node itself: {'more' | 'done', chatId1, partner1, ...}.
local function reap_batch(node, batch)
  if redis.call('ZSCORE', P .. 'nodes', node) then redis.call('ZADD', P .. 'nodes', -1, node) end
  local users = P .. 'node:' .. node .. ':users'
  local out = remove_all(redis.call('SPOP', users, batch), { 'more' })
  if redis.call('EXISTS', users) == 0 then
    redis.call('ZREM', P .. 'nodes', node)
    redis.call('DEL', P .. 'node:' .. node .. ':ips')
    out[1] = 'done'
  end
  return out
end
`

export const script = (body: string) => `${helpers}\n${body}`

/**
 * ARGV: P, id, name, node, ip, maxPerIp, resume key ('' none), block key ('' none).
 * 1 added, 0 known already, -1 node not registered, -2 per-IP cap.
 */
export const addScript = script(`
local id, node, ip, max, key = ARGV[2], ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7]
if not node_alive(node, now_ms()) then return -1 end
local k = ukey(id)
if redis.call('EXISTS', k) == 1 then return 0 end
if ip ~= '' and max > 0 and address_total(ip) >= max then return -2 end
hold_ip(node, ip)
redis.call('HSET', k, 'n', ARGV[3], 'node', node, 'ip', ip)
if ARGV[8] ~= '' then redis.call('HSET', k, 'b', ARGV[8]) end
if key ~= '' then
  redis.call('HSET', k, 't', key)
  redis.call('HSET', P .. 'resume', key, id)
end
redis.call('SADD', P .. 'node:' .. node .. ':users', id)
bump('online', 1)
return 1
`)

/** ARGV: P, id. {chatId, partner} or nil. */
export const leaveScript = script(`return end_chat(ARGV[2])`)

/** ARGV: P, id, resume key ('' any). {chatId, partner} or nil; nothing done while the key is another's. */
export const removeScript = script(`
if ARGV[3] ~= '' and redis.call('HGET', ukey(ARGV[2]), 't') ~= ARGV[3] then return nil end
return remove_user(ARGV[2])
`)

/** ARGV: P, fewest searchers a shown interest has, most shown. {online, searching, chatting, tag1, count1, ...}. */
export const countsScript = script(`
local stats = redis.call('HMGET', P .. 'stats', 'online', 'searching', 'chatting')
local popular = redis.call('ZREVRANGEBYSCORE', P .. 'tags', '+inf', ARGV[2], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
return { tonumber(stats[1] or 0), tonumber(stats[2] or 0), tonumber(stats[3] or 0), unpack(popular) }
`)

/**
 * ARGV: P, node, ttlMs, register ('1' or '0'). 'ok', or why the node may not go on:
 * 'expired' (a reaper has started removing its users; answered even when registering: the node must
 * first remove the rest itself with reapNodeScript, which takes it off the registry) or 'missing'
 * (reaped, or Redis lost its data).
 * A lease that ran out but that no reaper has touched is simply renewed: after a Redis pause every
 * lease looks expired, and no node must drop its users for that.
 */
export const heartbeatScript = script(`
local key, node = P .. 'nodes', ARGV[2]
local deadline = redis.call('ZSCORE', key, node)
if deadline and tonumber(deadline) < 0 then return 'expired' end
if not deadline and ARGV[4] ~= '1' then return 'missing' end
redis.call('ZADD', key, now_ms() + tonumber(ARGV[3]), node)
return 'ok'
`)

/** ARGV: P, limit. Nodes whose lease deadline has passed on the Redis clock, oldest first: {node1, deadline1, ...}. */
export const expiredNodesScript = script(`
return redis.call('ZRANGEBYSCORE', P .. 'nodes', '-inf', '(' .. now_ms(), 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
`)

/**
 * ARGV: P, node, batch, expected deadline. Reaps up to `batch` users of that node (see reap_batch). With a
 * deadline (a reaper's, seen expired earlier), only if the node has not heartbeated since: its deadline is
 * unchanged and still past, or it is already being reaped. With '' whatever its lease: a node retiring or
 * recovering removes its own users this way. Returns {'more' | 'done' | 'alive', chatId1, partner1, ...}.
 */
export const reapNodeScript = script(`
local node, expected = ARGV[2], ARGV[4]
if expected ~= '' then
  local deadline = redis.call('ZSCORE', P .. 'nodes', node)
  if not deadline then return { 'done' } end
  local d = tonumber(deadline)
  if d > 0 and (deadline ~= expected or d >= now_ms()) then return { 'alive' } end
end
return reap_batch(node, tonumber(ARGV[3]))
`)

/**
 * ARGV: P, node, then per user: id, name, ip, state ('idle'|'chatting'), chatId, partner, last partner ('' none),
 * resume key, relay room, block key ('' none: blocks and bans keep working for a restored user).
 * Re-registers a node's live users after Redis lost its data; users already known are left alone. The
 * last partner keeps the no-immediate-rematch rule across the restart (two who just skipped each other),
 * the resume key keeps their session resumable. Searchers are restored idle and search again (the find
 * script), so they can pair with anyone who arrived on a node that was rebuilt earlier.
 */
export const restoreScript = script(`
local node = ARGV[2]
local restored = 0
for i = 3, #ARGV, 10 do
  local id, ip, state, last, key = ARGV[i], ARGV[i + 2], ARGV[i + 3], ARGV[i + 6], ARGV[i + 7]
  local k = ukey(id)
  if redis.call('EXISTS', k) == 0 then
    redis.call('HSET', k, 'n', ARGV[i + 1], 'node', node, 'ip', ip, 'r', ARGV[i + 8])
    if last ~= '' then redis.call('HSET', k, 'l', last) end
    if ARGV[i + 9] ~= '' then redis.call('HSET', k, 'b', ARGV[i + 9]) end
    if key ~= '' then
      redis.call('HSET', k, 't', key)
      redis.call('HSET', P .. 'resume', key, id)
    end
    redis.call('SADD', P .. 'node:' .. node .. ':users', id)
    hold_ip(node, ip)
    bump('online', 1)
    if state == 'chatting' then
      redis.call('HSET', k, 'c', ARGV[i + 4], 'p', ARGV[i + 5])
      bump('chatting', 1)
    end
    restored = restored + 1
  end
end
return restored
`)
