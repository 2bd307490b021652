// The block rule of matchmaking: two block keys (keyed hashes of addresses) blocked by `safety:block` are
// never paired while the block lasts. A bounded check per candidate, never a scan of the queue. The memory
// store asks a BlockList; the Redis find script runs `blockedLua` (one EXISTS per candidate).
import { createExpiringMap } from '../safety/expiring-map.ts'

/** One key per unordered pair: A blocking B is B blocking A. */
export const blockPairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`)

/** The Redis key a block lives under (a string with a TTL): written by safety/blocks.ts, read by `blockedLua`. */
export const redisBlockKey = (prefix: string, a: string, b: string): string => `${prefix}block:${blockPairKey(a, b)}`

/** Lua for a find script (needs `P`, the key prefix): true when the two block keys are blocked. */
export const blockedLua = `
local function blocked(a, b)
  if not a or not b or a == '' or b == '' then return false end
  if b < a then a, b = b, a end
  return redis.call('EXISTS', P .. 'block:' .. a .. '|' .. b) == 1
end
`

export interface BlockList {
  block(a: string, b: string, untilMs: number, nowMs: number): void
  /** False for an empty key: a user without one is blocked from nobody. */
  blocked(a: string, b: string, nowMs: number): boolean
}

/** At most this many blocks in memory: beyond, the oldest go first. */
const maxBlocks = 1_000_000

export function createBlockList(): BlockList {
  const blocks = createExpiringMap<true>(maxBlocks)
  return {
    block(a, b, untilMs, nowMs) {
      if (a !== '' && b !== '') blocks.set(blockPairKey(a, b), true, untilMs, nowMs)
    },
    blocked: (a, b, nowMs) => a !== '' && b !== '' && blocks.get(blockPairKey(a, b), nowMs) === true,
  }
}
