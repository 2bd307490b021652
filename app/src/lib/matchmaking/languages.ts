// The languages a search can ask for: the browser's own first, then the world's most spoken, each named
// in the person's language (Intl.DisplayNames) and, when that differs, in its own.

const spoken = [
  'en', 'es', 'fr', 'de', 'pt', 'it', 'nl', 'pl', 'ru', 'uk', 'tr', 'ar', 'fa', 'hi', 'bn', 'ur', 'id', 'ms',
  'vi', 'th', 'zh', 'ja', 'ko', 'tl', 'sw', 'el', 'he', 'ro', 'hu', 'cs', 'sk', 'sv', 'no', 'da', 'fi',
  'bg', 'sr', 'hr', 'ca', 'ta', 'te', 'mr',
] // prettier-ignore

export interface LanguageChoice {
  code: string
  name: string
}

/** The ISO 639-1 codes of the browser's languages (`navigator.languages`), in its order, once each. */
export function browserLanguages(tags: readonly string[]): string[] {
  const codes = tags.map((tag) => tag.slice(0, 2).toLowerCase()).filter((code) => /^[a-z]{2}$/.test(code))
  return [...new Set(codes)]
}

export function languageChoices(preferred: readonly string[], locale: string): LanguageChoice[] {
  const codes = [...new Set([...preferred, ...spoken])]
  return codes.map((code) => ({ code, name: languageName(code, locale) }))
}

function languageName(code: string, locale: string): string {
  const inLocale = nameIn(locale, code)
  const native = nameIn(code, code)
  return native && native.toLowerCase() !== inLocale.toLowerCase() ? `${inLocale} (${native})` : inLocale
}

function nameIn(locale: string, code: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code
  } catch {
    return code
  }
}
