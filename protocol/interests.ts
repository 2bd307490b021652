// Interest tags and languages as both sides read them: the app shows chips exactly as the server matches them.
// No Node imports here: the app bundles this file.

export const maxInterestChars = 32

const allowed = /^[\p{L}\p{N} _-]+$/u

/** A tag as the server matches it (NFKC, lower case, trimmed, one space inside), or null when not a valid one. */
export function normalizeInterest(raw: string): string | null {
  const tag = raw.normalize('NFKC').toLowerCase().trim().replace(/\s+/gu, ' ')
  const length = [...tag].length
  return length >= 1 && length <= maxInterestChars && allowed.test(tag) ? tag : null
}

/** ISO 639-1: two lower-case letters. */
export const isLanguageCode = (lang: string): boolean => /^[a-z]{2}$/.test(lang)
