// Writes blocks where the store's find reads them (store/blocks.ts): the memory store's BlockList, or
// P block:<a>|<b> in Redis with the block's TTL.
import type { Redis } from 'ioredis'
import { redisBlockKey, type BlockList } from '../store/blocks.ts'

export type BlockWriter = (a: string, b: string, untilMs: number, nowMs: number) => Promise<void>

export const memoryBlockWriter =
  (blocks: BlockList): BlockWriter =>
  async (a, b, untilMs, nowMs) =>
    blocks.block(a, b, untilMs, nowMs)

export const redisBlockWriter =
  (redis: Redis, prefix = 'hush:'): BlockWriter =>
  async (a, b, untilMs, nowMs) => {
    if (a === '' || b === '') return
    await redis.set(redisBlockKey(prefix, a, b), '1', 'PX', Math.max(1, untilMs - nowMs))
  }
