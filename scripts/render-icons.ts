// Draws Hush's icon (a speech bubble with the typing dots, on the accent colour of app/src/app.css) and
// renders the PNGs the web app manifest lists with Chromium, so no image tool is needed. The PNGs are
// committed; run this again only when the drawing changes: node --import tsx scripts/render-icons.ts
import { writeFile } from 'node:fs/promises'
import { chromium } from 'playwright-core'

const accent = '#4b3fd1'
const out = new URL('../app/public/', import.meta.url)

/** The glyph on a 512 × 512 canvas; it stays inside the maskable safe zone (a circle of 80% of the width). */
const glyph = `
  <path fill="#fff" d="M184 136h144a72 72 0 0 1 72 72v64a72 72 0 0 1-72 72H236l-76 56v-58a72 72 0 0 1-48-68v-66a72 72 0 0 1 72-72z"/>
  <circle cx="192" cy="240" r="22" fill="${accent}"/>
  <circle cx="256" cy="240" r="22" fill="${accent}"/>
  <circle cx="320" cy="240" r="22" fill="${accent}"/>`

/** `maskable`: full-bleed background (the platform cuts its own shape) and the glyph a little smaller. */
function iconSvg(maskable: boolean): string {
  const background = maskable
    ? `<rect width="512" height="512" fill="${accent}"/>`
    : `<rect width="512" height="512" rx="112" fill="${accent}"/>`
  const body = maskable ? `<g transform="translate(38.4 38.4) scale(.85)">${glyph}</g>` : glyph
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">${background}${body}</svg>\n`
}

const pngs = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'icon-maskable-512.png', size: 512, maskable: true },
  { file: 'apple-touch-icon.png', size: 180, maskable: true },
]

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
})
try {
  await writeFile(new URL('icon.svg', out), iconSvg(false))
  for (const { file, size, maskable } of pngs) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 })
    const svg = iconSvg(maskable).replace('<svg ', `<svg width="${size}" height="${size}" `)
    await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block}</style>${svg}`)
    await writeFile(new URL(file, out), await page.screenshot({ omitBackground: true, type: 'png' }))
    await page.close()
  }
} finally {
  await browser.close()
}
