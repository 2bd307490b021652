// How history search compares text: case- and accent-insensitive (NFKD, combining marks stripped, lower
// case, a few letters that have no decomposition), one code point at a time, so that a match in the
// folded text maps back to the characters it came from and can be highlighted there.

/** Letters a reader treats as their plain form that NFKD leaves alone (after lower-casing). */
const extraFolds: Record<string, string> = {
  ß: 'ss',
  ς: 'σ',
  ł: 'l',
  ø: 'o',
  đ: 'd',
  ħ: 'h',
  ı: 'i',
  æ: 'ae',
  œ: 'oe',
}

const marks = /\p{M}/gu
const nonAscii = /[\u0080-\u{10ffff}]/gu

/** Folded code points, remembered: most text repeats a small alphabet. Bounded against a flood of rare ones. */
const folds = new Map<string, string>()
const maxRemembered = 20_000

function foldPoint(point: string): string {
  let folded = folds.get(point)
  if (folded !== undefined) return folded
  folded = [...point.normalize('NFKD').replace(marks, '').toLowerCase().normalize('NFKD').replace(marks, '')]
    .map((c) => extraFolds[c] ?? c)
    .join('')
  if (folds.size >= maxRemembered) folds.clear()
  folds.set(point, folded)
  return folded
}

/**
 * The text as search compares it: the same as folding each code point, but only the non-ASCII ones
 * go through a function (ASCII only needs its lower case, and most text is mostly ASCII).
 */
export const fold = (text: string): string => text.replace(nonAscii, foldPoint).toLowerCase()

/** The folded text and, per folded character, where its code point starts and ends in the original. */
interface Mapped {
  folded: string
  starts: number[]
  ends: number[]
}

function mapFolded(text: string): Mapped {
  let folded = ''
  const starts: number[] = []
  const ends: number[] = []
  let at = 0
  for (const point of text) {
    const part = foldPoint(point)
    for (let i = 0; i < part.length; i++) {
      starts.push(at)
      ends.push(at + point.length)
    }
    folded += part
    at += point.length
  }
  return { folded, starts, ends }
}

export interface Segment {
  text: string
  hit: boolean
}

/** A decomposed accent (e + U+0301) folds to nothing: it belongs to the letter before it, inside the highlight. */
function endOfCluster(text: string, end: number): number {
  let at = end
  for (const point of text.slice(end)) {
    if (foldPoint(point) !== '') break
    at += point.length
  }
  return at
}

/** The text cut into plain and matching parts (every occurrence of the folded query), for display as text. */
export function highlight(text: string, foldedQuery: string): Segment[] {
  if (foldedQuery === '') return [{ text, hit: false }]
  const { folded, starts, ends } = mapFolded(text)
  const segments: Segment[] = []
  let shown = 0
  for (let found = folded.indexOf(foldedQuery); found !== -1;) {
    const start = starts[found] ?? text.length
    const end = endOfCluster(text, ends[found + foldedQuery.length - 1] ?? text.length)
    // An expansion (ß as "ss") matched in part belongs to the hit before it: never split a character.
    if (start >= shown) {
      if (start > shown) segments.push({ text: text.slice(shown, start), hit: false })
      segments.push({ text: text.slice(start, end), hit: true })
      shown = end
    }
    found = folded.indexOf(foldedQuery, found + foldedQuery.length)
  }
  if (shown < text.length) segments.push({ text: text.slice(shown), hit: false })
  return segments
}

/** How much text a result shows before its first match: enough to read the match in context. */
const leadChars = 40

/** A result's text: from shortly before the first match (marked by an ellipsis when cut). */
export function snippet(segments: Segment[]): Segment[] {
  const [lead, ...rest] = segments
  if (!lead || lead.hit || lead.text.length <= leadChars || !rest[0]?.hit) return segments
  const before = lead.text
  let cut = before.length - leadChars
  // Never start inside a surrogate pair, and prefer a word's start when one is close.
  const space = before.indexOf(' ', cut)
  if (space !== -1 && space - cut < 12) cut = space + 1
  else if (/[\uDC00-\uDFFF]/.test(before.charAt(cut))) cut += 1
  return [{ text: `…${before.slice(cut)}`, hit: false }, ...rest]
}
