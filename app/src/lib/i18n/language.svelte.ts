// The interface language: the one remembered from the picker, else the browser's first we speak. Its
// catalogue is read through `m`, and the locale is state: switching re-renders every message in place,
// and dates, times, numbers and lists follow through the formatters here.
import { loadCatalogue, type Catalogue } from './catalogue.ts'
import { baseLocale, directionOf, intlTagFor, isLocale, negotiate, type Locale } from './locales.ts'

const storageKey = 'hush-ui-language'

const preferred = (): readonly string[] => (typeof navigator === 'undefined' ? [] : navigator.languages)

function remembered(): Locale | null {
  try {
    const value = localStorage.getItem(storageKey)
    return isLocale(value) ? value : null
  } catch {
    return null // storage refused (a private mode): the browser's languages decide
  }
}

class Language {
  locale = $state<Locale>(baseLocale)
  catalogue = $state.raw<Catalogue | null>(null)
  /** The tag Intl formats with ("de-AT" for German in Austria). */
  readonly intlTag = $derived(intlTagFor(this.locale, preferred()))
  readonly time = $derived(new Intl.DateTimeFormat(this.intlTag, { hour: '2-digit', minute: '2-digit' }))
  readonly dateTime = $derived(new Intl.DateTimeFormat(this.intlTag, { dateStyle: 'medium', timeStyle: 'short' }))
  readonly number = $derived(new Intl.NumberFormat(this.intlTag))
  readonly list = $derived(new Intl.ListFormat(this.intlTag, { style: 'long', type: 'conjunction' }))
  #wanted: Locale = baseLocale

  /** The language a fresh page starts in. */
  initial(): Locale {
    return remembered() ?? negotiate(preferred())
  }

  /** Fetches `locale`'s catalogue, then shows it; of switches that overlap, the last one wins. */
  async use(locale: Locale): Promise<void> {
    this.#wanted = locale
    const catalogue = await loadCatalogue(locale)
    if (this.#wanted !== locale) return
    this.catalogue = catalogue
    this.locale = locale
    if (typeof document === 'undefined') return
    document.documentElement.lang = locale
    document.documentElement.dir = directionOf(locale)
  }

  /** The picker's choice: shown at once and remembered for the next visit. */
  choose(locale: Locale): Promise<void> {
    try {
      localStorage.setItem(storageKey, locale)
    } catch {
      // Not remembered, still applied.
    }
    return this.use(locale)
  }
}

export const language = new Language()

/** The messages of the current language: `m.send()`, `m.matched({ name })`. Read in a template, it re-renders on a switch. */
export const m: Catalogue = new Proxy({} as Catalogue, {
  get(_target, key) {
    if (!language.catalogue) throw new Error('the interface language is not loaded yet')
    return Reflect.get(language.catalogue, key)
  },
})
