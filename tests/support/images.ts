/// <reference lib="dom" />
// Browser-side callbacks (page.evaluate) run in the page: DOM types apply there.
// Test pictures: made by a real canvas in the page, and a real EXIF block (with a GPS position and a
// camera serial) spliced into a JPEG, as a phone's camera writes it.
import type { Page } from 'playwright-core'

/** A JPEG (or PNG) drawn in the page: noise makes it large and hard to compress, a gradient small. */
export async function pictureFromPage(
  page: Page,
  width: number,
  height: number,
  options: { noise?: boolean; type?: 'image/jpeg' | 'image/png' } = {},
): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ({ width, height, noise, type }) => {
      const canvas = new OffscreenCanvas(width, height)
      const context = canvas.getContext('2d')!
      if (noise) {
        const pixels = context.createImageData(width, height)
        const random = new Uint32Array(pixels.data.buffer)
        for (let offset = 0; offset < random.length; offset += 16_384)
          crypto.getRandomValues(random.subarray(offset, Math.min(random.length, offset + 16_384)))
        for (let i = 3; i < pixels.data.length; i += 4) pixels.data[i] = 255
        context.putImageData(pixels, 0, 0)
      } else {
        const gradient = context.createLinearGradient(0, 0, width, height)
        gradient.addColorStop(0, '#4b3fd1')
        gradient.addColorStop(1, '#f2c14e')
        context.fillStyle = gradient
        context.fillRect(0, 0, width, height)
      }
      const blob = await canvas.convertToBlob({ type, quality: 0.95 })
      const bytes = new Uint8Array(await blob.arrayBuffer())
      let text = ''
      for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192))
      return btoa(text)
    },
    { width, height, noise: options.noise ?? false, type: options.type ?? 'image/jpeg' },
  )
  return Buffer.from(base64, 'base64')
}

/**
 * The JPEG with an APP1 EXIF segment right after its SOI: IFD0 holds a description and a camera serial
 * (both `canary`), and a GPS IFD holds a latitude and longitude, big-endian TIFF as cameras write it.
 */
export function withExifGps(jpeg: Buffer, canary: string): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG')
  const text = Buffer.from(canary + '\0', 'latin1')
  // TIFF: header (8) · IFD0 (2 + 3·12 + 4) · GPS IFD (2 + 4·12 + 4) · data
  const ifd0 = 8
  const gpsIfd = ifd0 + 2 + 3 * 12 + 4
  const data = gpsIfd + 2 + 4 * 12 + 4
  const latitude = data
  const longitude = latitude + 24
  const description = longitude + 24
  const tiff = Buffer.alloc(description + text.length)
  tiff.write('MM', 0, 'latin1')
  tiff.writeUInt16BE(42, 2)
  tiff.writeUInt32BE(ifd0, 4)
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    tiff.writeUInt16BE(tag, at)
    tiff.writeUInt16BE(type, at + 2)
    tiff.writeUInt32BE(count, at + 4)
    tiff.writeUInt32BE(value, at + 8)
  }
  tiff.writeUInt16BE(3, ifd0)
  entry(ifd0 + 2, 0x010e, 2, text.length, description) // ImageDescription
  entry(ifd0 + 14, 0xa431, 2, text.length, description) // BodySerialNumber
  entry(ifd0 + 26, 0x8825, 4, 1, gpsIfd) // GPSInfo
  tiff.writeUInt16BE(4, gpsIfd)
  entry(gpsIfd + 2, 0x0001, 2, 2, 0x4e000000) // GPSLatitudeRef "N"
  entry(gpsIfd + 14, 0x0002, 5, 3, latitude) // GPSLatitude
  entry(gpsIfd + 26, 0x0003, 2, 2, 0x45000000) // GPSLongitudeRef "E"
  entry(gpsIfd + 38, 0x0004, 5, 3, longitude) // GPSLongitude
  const rationals = (at: number, values: number[][]) =>
    values.forEach(([num, den], i) => {
      tiff.writeUInt32BE(num!, at + i * 8)
      tiff.writeUInt32BE(den!, at + i * 8 + 4)
    })
  rationals(latitude, [
    [48, 1],
    [51, 1],
    [2959, 100],
  ]) // 48°51'29.59"N
  rationals(longitude, [
    [2, 1],
    [17, 1],
    [4028, 100],
  ]) // 2°17'40.28"E
  text.copy(tiff, description)
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff])
  const header = Buffer.from([0xff, 0xe1, 0, 0])
  header.writeUInt16BE(payload.length + 2, 2)
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)])
}

/** The JPEG and EXIF markers a picture's bytes hold, for a check that none of the metadata survived. */
export function metadataMarkers(bytes: Buffer): { app1: boolean; exif: boolean } {
  let app1 = false
  // Segments from the SOI until the scan starts; APP1 is where EXIF (and XMP) live.
  for (let at = 2; at + 4 <= bytes.length && bytes[at] === 0xff;) {
    const marker = bytes[at + 1]!
    if (marker === 0xda) break
    if (marker === 0xe1) app1 = true
    at += 2 + bytes.readUInt16BE(at + 2)
  }
  return { app1, exif: bytes.includes(Buffer.from('Exif\0\0', 'latin1')) }
}

/** Every picture the page's history holds, as bytes. */
export const savedPictures = (page: Page): Promise<Buffer[]> =>
  page
    .evaluate(
      () =>
        new Promise<string[]>((resolve, reject) => {
          const open = indexedDB.open('hush')
          open.onerror = () => reject(open.error)
          open.onsuccess = () => {
            const all = open.result.transaction('chats').objectStore('chats').getAll()
            all.onsuccess = async () => {
              const blobs = (all.result as unknown[])
                .filter(Array.isArray)
                .flat()
                .flatMap((m) =>
                  (m as { image?: { blob?: Blob } }).image?.blob ? [(m as { image: { blob: Blob } }).image.blob] : [],
                )
              const out: string[] = []
              for (const blob of blobs) {
                const bytes = new Uint8Array(await blob.arrayBuffer())
                let text = ''
                for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192))
                out.push(btoa(text))
              }
              open.result.close()
              resolve(out)
            }
          }
        }),
    )
    .then((list) => list.map((base64) => Buffer.from(base64, 'base64')))
