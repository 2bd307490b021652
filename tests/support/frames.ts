// relay:frame from a test client's side: distinct frames to send, and an inbox of what arrived.
import { randomBytes } from 'node:crypto'
import type { BinaryFrame } from '#protocol'
import { eventually } from './timing.ts'
import type { Client } from './signaling.ts'

/** A frame of `bytes` random bytes whose first four carry `n` (so order can be checked). */
export function numberedFrame(n: number, bytes = 200): Buffer {
  const frame = randomBytes(bytes)
  frame.writeUInt32BE(n, 0)
  return frame
}

/** A browser gets an ArrayBuffer, a Node client may get a Buffer: both as a Buffer here. */
export const asBuffer = (frame: BinaryFrame): Buffer =>
  frame instanceof ArrayBuffer ? Buffer.from(frame) : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)

export interface Inbox {
  frames: Buffer[]
  /** Resolves once `count` frames have arrived (polling the inbox, never a fixed sleep). */
  holds(count: number): Promise<void>
}

/** Keeps every relay:frame the client receives from now on. */
export function inbox(client: Client): Inbox {
  const frames: Buffer[] = []
  client.on('relay:frame', (frame) => frames.push(asBuffer(frame)))
  return {
    frames,
    holds: async (count) => {
      await eventually(
        async () => frames.length,
        (length) => length >= count,
      )
    },
  }
}
