// Every catalogue holds every message of the English one, with the same placeholders, and nothing empty:
// generic over the files, so a message added later without its translations fails here.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadCatalogue } from '../../app/src/lib/i18n/catalogue.ts'
import { baseLocale, intlTagFor, locales, negotiate } from '../../app/src/lib/i18n/locales.ts'

type Variant = { declarations?: string[]; selectors?: string[]; match: Record<string, string> }
type Message = string | Variant[]
type Catalogue = Record<string, Message>

const dir = 'app/src/lib/i18n'
const read = (locale: string): Catalogue => {
  const { $schema: _schema, ...messages } = JSON.parse(readFileSync(`${dir}/messages/${locale}.json`, 'utf8'))
  return messages as Catalogue
}
const english = read(baseLocale)

/** Every text a message can show: the string, or each variant of each selector match. */
const texts = (message: Message): string[] =>
  typeof message === 'string' ? [message] : message.flatMap((variant) => Object.values(variant.match))

/** What a caller passes: declared inputs, and placeholders that are not locals computed from them. */
function inputs(message: Message): string[] {
  const declared = typeof message === 'string' ? [] : message.flatMap((variant) => variant.declarations ?? [])
  const locals = declared.flatMap((line) => /^local (\w+) =/.exec(line)?.slice(1) ?? [])
  const named = declared.flatMap((line) => /^input (\w+)$/.exec(line)?.slice(1) ?? [])
  const used = texts(message).flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!))
  return [...new Set([...named, ...used])].filter((name) => !locals.includes(name)).sort()
}

describe('the catalogues', () => {
  it('are the languages the project compiles, English first among them', () => {
    const settings = JSON.parse(readFileSync(`${dir}/project.inlang/settings.json`, 'utf8'))
    expect(settings.locales).toEqual([...locales])
    expect(settings.baseLocale).toBe(baseLocale)
    expect(Object.keys(english).length).toBeGreaterThan(150)
  })

  describe.each(locales)('%s', (locale) => {
    const catalogue = read(locale)

    it('has exactly the English keys', () => {
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(english).sort())
    })

    it('takes the same inputs in every message, and says something in every variant', () => {
      for (const [key, message] of Object.entries(english)) {
        const translated = catalogue[key]
        expect(translated, key).toBeDefined()
        expect(inputs(translated!), key).toEqual(inputs(message))
        for (const text of texts(translated!)) expect(text.trim(), key).not.toBe('')
      }
    })

    it('has a catch-all variant for every plural, whatever category Intl.PluralRules picks', () => {
      const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories
      for (const [key, message] of Object.entries(catalogue)) {
        if (typeof message === 'string') continue
        for (const variant of message) {
          const cases = Object.keys(variant.match).map((match) => match.split('=').at(-1))
          expect(cases, key).toContain('*')
          for (const category of cases) expect(['*', ...categories], key).toContain(category)
        }
      }
    })

    it('is compiled and current: a function for every message, in this language', async () => {
      const compiled: Record<string, unknown> = await loadCatalogue(locale)
      for (const key of Object.keys(english)) expect(typeof compiled[key], key).toBe('function')
    })
  })

  it('follows the plural rules of each language, Arabic with its six forms', async () => {
    const [ar, de] = await Promise.all([loadCatalogue('ar'), loadCatalogue('de')])
    const forms = [0, 1, 2, 3, 11, 100].map((count) => ar.message_count({ count }))
    expect(forms).toEqual(['لا رسائل', 'رسالة واحدة', 'رسالتان', '3 رسائل', '11 رسالة', '100 رسالة'])
    expect([1, 2].map((count) => de.message_count({ count }))).toEqual(['1 Nachricht', '2 Nachrichten'])
  })
})

describe('the interface language a browser gets', () => {
  it('is the first of its languages we speak, by primary subtag, else English', () => {
    expect(negotiate(['de-DE', 'en-US'])).toBe('de')
    expect(negotiate(['fr-FR', 'pt-BR', 'es'])).toBe('pt')
    expect(negotiate(['AR'])).toBe('ar')
    expect(negotiate(['fr', 'ja'])).toBe('en')
    expect(negotiate([])).toBe('en')
  })

  it('formats with the browser’s own variant of that language', () => {
    expect(intlTagFor('en', ['en-GB', 'de'])).toBe('en-GB')
    expect(intlTagFor('de', ['en-GB'])).toBe('de')
  })
})
