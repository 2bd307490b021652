// The Redis store's scripts for resuming sessions (docs/scaling.md, "Resuming across nodes"): a user
// whose connection was lost leaves its node for the grace set, owned by no node, until a connection on
// any node takes the session back or any node sweeps it once its grace has run out. Keys: redis-scripts.ts.
import { script } from './redis-scripts.ts'

/**
 * ARGV: P, resume key, graceMs. 1 when the session under that key is now in its grace; 0 when no live
 * session is under it (taken back by another connection, removed, or in its grace already).
 */
export const suspendScript = script(`
local id = redis.call('HGET', P .. 'resume', ARGV[2])
if not id then return 0 end
local k = ukey(id)
local node = redis.call('HGET', k, 'node')
if not node or node == '' then return 0 end
if unqueue(id) then redis.call('HDEL', k, 'r') end
local ip = redis.call('HGET', k, 'ip')
release_ip(node, ip)
hold_ip('', ip)
redis.call('SREM', P .. 'node:' .. node .. ':users', id)
redis.call('HSET', k, 'node', '')
redis.call('ZADD', P .. 'grace', now_ms() + tonumber(ARGV[3]), id)
return 1
`)

/**
 * ARGV: P, resume key, new resume key, node, ip, maxPerIp, relay room, block key ('' keeps the old one).
 * Moves the session under the key
 * to this node, whether in its grace or still held by a connection (on any node, even one that died and
 * is not reaped yet): the key is used up, the new one replaces it, the address slot moves along (a new
 * address must have room). Returns {'resumed', id, name, chatId, partner, partner's relay room, last
 * partner} ('' for none), or {'unknown'}, {'too-many-connections'}, {'unavailable'} (node not registered).
 */
export const resumeScript = script(`
local key, new_key, node, ip, max = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
local now = now_ms()
if not node_alive(node, now) then return { 'unavailable' } end
local id = redis.call('HGET', P .. 'resume', key)
if not id then return { 'unknown' } end
local k = ukey(id)
local u = redis.call('HMGET', k, 'n', 'node', 'ip', 'c', 'p', 'l', 'q')
if not u[1] then return { 'unknown' } end
local from, old_ip = u[2], u[3] or ''
if from == '' and tonumber(redis.call('ZSCORE', P .. 'grace', id) or 0) < now then return { 'unknown' } end
if ip ~= old_ip and ip ~= '' and max > 0 and address_total(ip) >= max then return { 'too-many-connections' } end
release_ip(from, old_ip)
hold_ip(node, ip)
if from == '' then
  redis.call('ZREM', P .. 'grace', id)
else
  redis.call('SREM', P .. 'node:' .. from .. ':users', id)
end
redis.call('SADD', P .. 'node:' .. node .. ':users', id)
if u[7] then unqueue(id) end
redis.call('HDEL', P .. 'resume', key)
redis.call('HSET', P .. 'resume', new_key, id)
redis.call('HSET', k, 'node', node, 'ip', ip, 't', new_key, 'r', ARGV[7])
if ARGV[8] and ARGV[8] ~= '' then redis.call('HSET', k, 'b', ARGV[8]) end
local partner_room = ''
if u[4] then partner_room = redis.call('HGET', ukey(u[5]), 'r') or '' end
return { 'resumed', id, u[1], u[4] or '', u[5] or '', partner_room, u[6] or '' }
`)

/** ARGV: P, batch. Removes up to `batch` sessions whose grace has run out: {count, chatId1, partner1, ...}. */
export const expireGracesScript = script(`
local due = redis.call('ZRANGEBYSCORE', P .. 'grace', '-inf', '(' .. now_ms(), 'LIMIT', 0, tonumber(ARGV[2]))
if #due == 0 then return { 0 } end
-- Out of the grace set even if the user's hash went missing, so a due entry is never read twice.
redis.call('ZREM', P .. 'grace', unpack(due))
return remove_all(due, { #due })
`)
