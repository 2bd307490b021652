// Interests and language as both sides read them: the server normalises every `match:find` with
// these functions and the app shapes its chips with the same ones. No Node imports: the app bundles it.

/** The longest interest, in characters (code points) after normalisation. */
export const maxInterestChars = 32

/** How many popular interests `presence:update` carries at most. */
export const popularInterestsShown = 10

/** An interest is shown as popular only with this many people searching with it: nobody's own is revealed. */
export const popularInterestMinSearching = 3

/** How long a non-strict searcher with interests waits for a shared one before anyone may be offered. */
export const defaultInterestWaitMs = 5000

// Letters and digits of any script, space, '-' and '_': nothing else survives normalisation.
const interestPattern = /^[\p{L}\p{N} _-]+$/u
const langPattern = /^[a-z]{2}$/

/** NFKC, lower case, trimmed, inner white space as one space; null when the result is not a valid interest. */
export function normalizeInterest(raw: unknown): string | null {
  if (typeof raw !== 'string') return null
  const tag = raw.normalize('NFKC').toLowerCase().trim().replace(/\s+/gu, ' ')
  const chars = [...tag].length
  if (chars < 1 || chars > maxInterestChars || !interestPattern.test(tag)) return null
  return tag
}

/**
 * Every entry normalised, duplicates merged (first place kept); null when any entry is invalid or more
 * than `max` distinct interests remain.
 */
export function normalizeInterests(list: readonly unknown[], max: number): string[] | null {
  const tags = new Set<string>()
  for (const raw of list) {
    const tag = normalizeInterest(raw)
    if (tag === null) return null
    tags.add(tag)
    if (tags.size > max) return null
  }
  return [...tags]
}

/** An ISO 639-1 code, two lower-case letters ("en", "fr"), as `match:find.lang` takes it. */
export const isLanguageCode = (value: unknown): value is string => typeof value === 'string' && langPattern.test(value)
