// Splits message text into plain and https-link segments; the view renders both as text nodes / <a>.

export type Segment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string }

const linkPattern = /https:\/\/[^\s<>"'`]+/g
/** Punctuation that usually ends the sentence, not the URL. */
const trailing = /[.,;:!?)\]}]+$/

/** A cheap first look: text without "https://" is rendered as one plain text node. */
export const hasLink = (text: string): boolean => text.includes('https://')

export function segments(text: string): Segment[] {
  const out: Segment[] = []
  let last = 0
  for (const match of text.matchAll(linkPattern)) {
    const raw = match[0].replace(trailing, '')
    const start = match.index
    const href = safeHttps(raw)
    if (!href) continue
    if (start > last) out.push({ kind: 'text', text: text.slice(last, start) })
    out.push({ kind: 'link', text: raw, href })
    last = start + raw.length
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) })
  return out
}

/**
 * The link's target, or null when it must stay plain text: not https, or a host that may not be
 * the one it reads as — a user name before `@` (https://bank.example@evil.example goes to
 * evil.example) or letters outside ASCII (a Cyrillic "а" in аpple.com): a stranger's look-alike link
 * is not made clickable, and the text still shows exactly what was sent.
 */
function safeHttps(raw: string): string | null {
  try {
    const url = new URL(raw)
    if (url.protocol !== 'https:' || url.hostname.length === 0) return null
    if (url.username !== '' || url.password !== '' || (raw.slice(8).split(/[/?#]/, 1)[0] ?? '').includes('@'))
      return null
    if (url.hostname.split('.').some((label) => label.startsWith('xn--'))) return null
    return url.href
  } catch {
    return null
  }
}
