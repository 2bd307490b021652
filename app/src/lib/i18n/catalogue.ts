// One catalogue per language, compiled by Paraglide JS from messages/<locale>.json into a module of
// typed message functions (paraglide/, generated: `npm run i18n`); each is its own chunk, so a page
// fetches only the language it shows.
import type * as English from './paraglide/messages/en.js'
import type { Locale } from './locales.ts'

type Compiled = typeof English

/** Every message of the interface with its parameters; one without any is called with none (`m.send()`). */
export type Catalogue = {
  readonly [K in keyof Compiled]: Compiled[K] extends (inputs: infer I) => string
    ? object extends I
      ? (inputs?: I) => string
      : (inputs: I) => string
    : never
}

// Typed against English: a catalogue whose messages take other parameters fails the typecheck.
const loaders: Record<Locale, () => Promise<Compiled>> = {
  en: () => import('./paraglide/messages/en.js'),
  es: () => import('./paraglide/messages/es.js'),
  de: () => import('./paraglide/messages/de.js'),
  pt: () => import('./paraglide/messages/pt.js'),
  ar: () => import('./paraglide/messages/ar.js'),
}

// The compiled functions ignore their inputs when they have none: the missing `{}` is safe to leave out.
export const loadCatalogue = async (locale: Locale): Promise<Catalogue> =>
  (await loaders[locale]()) as unknown as Catalogue
