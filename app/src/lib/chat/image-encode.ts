// Every image is drawn onto a canvas and encoded anew before it is offered: only pixels leave the
// device, never the file's EXIF, GPS position, camera serial or any other metadata.
import { imageRules, type ImageMime } from '../link/frames.ts'

export interface EncodedImage {
  blob: Blob
  mime: ImageMime
  width: number
  height: number
}

/** Why an image cannot be sent (the words are in wording.ts). */
export type ImageProblem = 'not-image' | 'too-large-file' | 'too-large-image'

export class ImageError extends Error {
  constructor(readonly problem: ImageProblem) {
    super(problem)
  }
}

/** A camera's largest photos are some 20 MB; beyond this a file is not worth decoding on a phone. */
const maxInputBytes = 50 * 1024 * 1024
/** Tried in turn until the picture fits the size limit. */
const qualities = [0.85, 0.7, 0.5]

/** Types that may carry transparency: WebP keeps it (JPEG would turn it black). */
const mayBeTransparent = /^image\/(png|gif|webp|avif|svg\+xml)$/

export async function reencodeImage(file: Blob): Promise<EncodedImage> {
  if (file.size > maxInputBytes) throw new ImageError('too-large-file')
  // Decoded upright: the orientation EXIF would have carried is applied to the pixels.
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' }).catch(() => {
    throw new ImageError('not-image')
  })
  try {
    let scale = Math.min(1, imageRules.maxSide / Math.max(bitmap.width, bitmap.height))
    const wanted: ImageMime = mayBeTransparent.test(file.type) ? 'image/webp' : 'image/jpeg'
    for (let shrink = 0; shrink < 3; shrink++, scale *= 0.7) {
      const width = Math.max(1, Math.round(bitmap.width * scale))
      const height = Math.max(1, Math.round(bitmap.height * scale))
      for (const quality of qualities) {
        const encoded = await encode(bitmap, width, height, wanted, quality)
        if (encoded.blob.size <= imageRules.maxBytes) return encoded
      }
    }
    throw new ImageError('too-large-image')
  } finally {
    bitmap.close()
  }
}

async function encode(
  bitmap: ImageBitmap,
  width: number,
  height: number,
  wanted: ImageMime,
  quality: number,
): Promise<EncodedImage> {
  const canvas = new OffscreenCanvas(width, height)
  const context = canvas.getContext('2d')
  if (!context) throw new ImageError('not-image')
  if (wanted === 'image/jpeg') {
    context.fillStyle = '#fff' // what was transparent turns white, not black
    context.fillRect(0, 0, width, height)
  }
  context.imageSmoothingQuality = 'high'
  context.drawImage(bitmap, 0, 0, width, height)
  let blob = await canvas.convertToBlob({ type: wanted, quality })
  // A browser that cannot encode WebP hands back PNG: JPEG instead, which every browser encodes.
  if (blob.type !== wanted) {
    context.globalCompositeOperation = 'destination-over'
    context.fillStyle = '#fff'
    context.fillRect(0, 0, width, height)
    blob = await canvas.convertToBlob({ type: 'image/jpeg', quality })
  }
  return { blob, mime: blob.type === 'image/webp' ? 'image/webp' : 'image/jpeg', width, height }
}
