// Real Chromium through playwright-core, launched as docs/testing.md says (Debian's build, loopback ICE).
import { chromium, firefox, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr'

export const chromiumArgs = [
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

/**
 * Debian's Firefox ESR (playwright-core 1.64 drives it; 1.65 fails at newContext). It gathers no
 * loopback candidates: the browser suite's namespace gives it a veth pair (tests/e2e/run.sh), and it
 * must offer those addresses plainly, not hidden behind mDNS names nobody in the namespace answers.
 */
export async function launchFirefox(): Promise<Browser> {
  const browser = await firefox.launch({
    channel: 'moz-firefox',
    executablePath: firefoxPath,
    headless: true,
    firefoxUserPrefs: {
      'media.peerconnection.ice.obfuscate_host_addresses': false,
      'media.peerconnection.ice.default_address_only': false,
    },
  })
  browsers.push(browser)
  return browser
}

/** An independent context (own storage) with the permissions Chromium needs to gather loopback candidates. */
/** The rules were accepted on an earlier visit (the app remembers it in localStorage). */
const acceptedRules = `try { localStorage.setItem('hush.rulesAccepted', '1') } catch {}`

/** A person's own browser profile; `rulesAccepted` false: a first visit, with the rules gate. */
export async function newUserContext(
  browser: Browser,
  url: string,
  rulesAccepted = true,
  /** The address a trusting server (TRUST_PROXY) takes this person's requests to come from. */
  forwardedFor?: string,
): Promise<BrowserContext> {
  const context = await browser.newContext(
    forwardedFor ? { extraHTTPHeaders: { 'X-Forwarded-For': forwardedFor } } : {},
  )
  if (rulesAccepted) await context.addInitScript(acceptedRules)
  // Firefox has no such permission to grant (nor the need).
  if (browser.browserType().name() === 'chromium')
    await context.grantPermissions(['camera', 'microphone'], { origin: new URL(url).origin })
  return context
}

export async function openUser(browser: Browser, url: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newUserContext(browser, url)
  const page = await context.newPage()
  await page.goto(url)
  return { context, page }
}

export async function closeBrowsers(): Promise<void> {
  await Promise.all(browsers.splice(0).map((browser) => browser.close()))
}
