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

function safeHttps(raw: string): string | null {
  try {
    const url = new URL(raw)
    return url.protocol === 'https:' && url.hostname.length > 0 ? url.href : null
  } catch {
    return null
  }
}
