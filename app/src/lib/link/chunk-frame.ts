// An image chunk's plaintext: binary, so 16 KB of picture costs 16 KB on the wire and no base64 pass.
// Every JSON frame starts with "{"; a chunk starts with a byte no JSON text can start with.
import { fromUtf8, utf8 } from './bytes.ts'

export interface ChunkFrame {
  t: 'img-chunk'
  id: string
  /** Which chunk of the image, from 0. */
  index: number
  data: Uint8Array
}

export const chunkMarker = 0x01
/** The picture bytes in one chunk: a sealed chunk then fits the relay's 16 KiB frames, headers and all. */
export const chunkDataBytes = 16_000

export function encodeChunk(frame: ChunkFrame): Uint8Array {
  const id = utf8(frame.id)
  const bytes = new Uint8Array(2 + id.length + 4 + frame.data.length)
  bytes[0] = chunkMarker
  bytes[1] = id.length
  bytes.set(id, 2)
  new DataView(bytes.buffer).setUint32(2 + id.length, frame.index)
  bytes.set(frame.data, 6 + id.length)
  return bytes
}

/** A chunk, or null when the bytes are not one (`isId` checks the id as every frame's). */
export function parseChunk(bytes: Uint8Array, isId: (id: unknown) => boolean): ChunkFrame | null {
  if (bytes.length < 7 || bytes[0] !== chunkMarker) return null
  const idLength = bytes[1] ?? 0
  const dataStart = 6 + idLength
  if (bytes.length <= dataStart || bytes.length - dataStart > chunkDataBytes) return null
  const id = fromUtf8(bytes.subarray(2, 2 + idLength))
  if (!isId(id) || id === null) return null
  const index = new DataView(bytes.buffer, bytes.byteOffset + 2 + idLength, 4).getUint32(0)
  return { t: 'img-chunk', id, index, data: bytes.slice(dataStart) }
}
