// The languages of the interface: which there are, each named in itself, which way each is written, and
// which one a browser's preferences pick.

export const locales = ['en', 'es', 'de', 'pt', 'ar'] as const
export type Locale = (typeof locales)[number]

/** The catalogue every other one is checked against (the tests hold them to its keys and placeholders). */
export const baseLocale: Locale = 'en'

/** As the `ui-language` picker lists them: a reader finds their own language whatever the page is in. */
export const localeNames: Record<Locale, string> = {
  en: 'English',
  es: 'Español',
  de: 'Deutsch',
  pt: 'Português',
  ar: 'العربية',
}

export const directionOf = (locale: Locale): 'ltr' | 'rtl' => (locale === 'ar' ? 'rtl' : 'ltr')

export const isLocale = (value: unknown): value is Locale => (locales as readonly unknown[]).includes(value)

/** The first of the browser's languages (`navigator.languages`, best first) we speak: "de-AT" picks "de". */
export function negotiate(preferred: readonly string[]): Locale {
  for (const tag of preferred) {
    const primary = tag.split('-')[0]?.toLowerCase()
    if (isLocale(primary)) return primary
  }
  return baseLocale
}

/** The tag Intl formats with: the browser's own variant of `locale` ("en-GB" dates for English), else `locale`. */
export const intlTagFor = (locale: Locale, preferred: readonly string[]): string =>
  preferred.find((tag) => tag.split('-')[0]?.toLowerCase() === locale) ?? locale
