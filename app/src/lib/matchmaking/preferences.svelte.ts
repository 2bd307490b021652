// Who the person would like to meet: interests, "only people who share one", a language. Remembered in
// this browser, and sent with every search exactly as the server matches them.
import type { FindRequest } from '#protocol'
import { isLanguageCode, normalizeInterest } from '#protocol/interests.ts'

const storageKey = 'hush.match'

interface Saved {
  interests: string[]
  strict: boolean
  lang: string
}

export type AddOutcome = 'added' | 'duplicate' | 'invalid' | 'full'

export class MatchPreferences {
  interests = $state<string[]>([])
  strict = $state(false)
  /** ISO 639-1, or '' for any language. */
  lang = $state('')
  readonly #max: () => number

  constructor(maxInterests: () => number) {
    this.#max = maxInterests
    const saved = readSaved()
    this.interests = saved.interests.slice(0, maxInterests())
    this.strict = saved.strict
    this.lang = saved.lang
  }

  /** Adds a tag as typed; what became of it, so the input can say why it stays. */
  add(raw: string): AddOutcome {
    const tag = normalizeInterest(raw)
    if (tag === null) return 'invalid'
    if (this.interests.includes(tag)) return 'duplicate'
    if (this.interests.length >= this.#max()) return 'full'
    this.interests = [...this.interests, tag]
    this.#save()
    return 'added'
  }

  remove(tag: string): void {
    this.interests = this.interests.filter((kept) => kept !== tag)
    this.#save()
  }

  setStrict(strict: boolean): void {
    this.strict = strict
    this.#save()
  }

  setLang(lang: string): void {
    this.lang = isLanguageCode(lang) ? lang : ''
    this.#save()
  }

  /** Whether a search waits for a shared interest at first (and so may later open to anyone). */
  get waitsForShared(): boolean {
    return this.interests.length > 0
  }

  /** The search as the server takes it; only what the person set. */
  request(): FindRequest {
    const request: FindRequest = {}
    if (this.interests.length > 0) request.interests = [...this.interests]
    if (this.interests.length > 0 && this.strict) request.strict = true
    if (this.lang) request.lang = this.lang
    return request
  }

  #save(): void {
    const saved: Saved = { interests: this.interests, strict: this.strict, lang: this.lang }
    try {
      localStorage.setItem(storageKey, JSON.stringify(saved))
    } catch {
      // Storage refused: the choice lasts for this page only.
    }
  }
}

/** What this browser remembers, each part checked again (storage is the person's to edit). */
function readSaved(): Saved {
  const saved: Saved = { interests: [], strict: false, lang: '' }
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(storageKey) ?? 'null')
    if (typeof raw !== 'object' || raw === null) return saved
    const { interests, strict, lang } = raw as Partial<Record<keyof Saved, unknown>>
    if (Array.isArray(interests)) {
      const tags = interests.map((tag) => (typeof tag === 'string' ? normalizeInterest(tag) : null))
      saved.interests = [...new Set(tags.filter((tag): tag is string => tag !== null))]
    }
    saved.strict = strict === true
    saved.lang = typeof lang === 'string' && isLanguageCode(lang) ? lang : ''
  } catch {
    // Unreadable or refused: start from nothing.
  }
  return saved
}
