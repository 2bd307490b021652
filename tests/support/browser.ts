// Real Chromium through playwright-core, launched as docs/testing.md says (Debian's build, loopback ICE).
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--allow-loopback-in-peer-connection',
]

const browsers: Browser[] = []

/** A separate Chromium process. */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
  browsers.push(browser)
  return browser
}

/** An independent context (own storage) with the permissions Chromium needs to gather loopback candidates. */
export async function openUser(browser: Browser, url: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext()
  await context.grantPermissions(['camera', 'microphone'], { origin: new URL(url).origin })
  const page = await context.newPage()
  await page.goto(url)
  return { context, page }
}

export async function closeBrowsers(): Promise<void> {
  await Promise.all(browsers.splice(0).map((browser) => browser.close()))
}
