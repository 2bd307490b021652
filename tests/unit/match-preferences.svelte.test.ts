// Who the person would like to meet, as the lobby edits it and the search sends it: chips made exactly as
// the server matches tags, remembered in this browser, and a search that says when it opens to anyone.
import { flushSync } from 'svelte'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import Chat from '../../app/src/components/Chat.svelte'
import Lobby from '../../app/src/components/Lobby.svelte'
import { browserLanguages, languageChoices } from '../../app/src/lib/matchmaking/languages.ts'
import { MatchPreferences } from '../../app/src/lib/matchmaking/preferences.svelte.ts'
import { SearchScope } from '../../app/src/lib/matchmaking/search-scope.svelte.ts'
import { searchingText } from '../../app/src/lib/wording.ts'
import { FakeSession } from '../support/fake-session.svelte.ts'
import { byTestId, cleanup, render } from '../support/render.ts'

beforeEach(() => localStorage.clear())
afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

const chips = (root: ParentNode) =>
  [...root.querySelectorAll('[data-testid="interest-chip"]')].map((chip) => chip.firstChild?.textContent?.trim())

function type(input: HTMLInputElement, text: string): void {
  input.value = text
  input.dispatchEvent(new Event('input', { bubbles: true }))
  flushSync()
}

const press = (input: HTMLInputElement, key: string) => {
  input.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))
  flushSync()
}

describe('match preferences', () => {
  it('makes tags as the server matches them, once each, up to the limit', () => {
    const preferences = new MatchPreferences(() => 3)
    expect(preferences.add('  Board   GAMES ')).toBe('added')
    expect(preferences.add('board games')).toBe('duplicate')
    expect(preferences.add('ｃｈｅｓｓ')).toBe('added') // full-width letters fold (NFKC)
    expect(preferences.add('c++')).toBe('invalid')
    expect(preferences.add('x'.repeat(33))).toBe('invalid')
    expect(preferences.add('música')).toBe('added')
    expect(preferences.add('films')).toBe('full')
    expect(preferences.interests).toEqual(['board games', 'chess', 'música'])
  })

  it('asks only for what was set: strict with interests only, a language when one is chosen', () => {
    const preferences = new MatchPreferences(() => 10)
    expect(preferences.request()).toEqual({})
    preferences.setStrict(true)
    expect(preferences.request()).toEqual({})
    preferences.add('chess')
    preferences.setLang('de')
    expect(preferences.request()).toEqual({ interests: ['chess'], strict: true, lang: 'de' })
    preferences.setLang('german')
    expect(preferences.request()).toEqual({ interests: ['chess'], strict: true })
  })

  it('is remembered in this browser, and what storage holds is checked again', () => {
    const first = new MatchPreferences(() => 10)
    first.add('chess')
    first.add('jazz')
    first.remove('chess')
    first.setStrict(true)
    first.setLang('fr')
    const again = new MatchPreferences(() => 10)
    expect([again.interests, again.strict, again.lang]).toEqual([['jazz'], true, 'fr'])

    localStorage.setItem(
      'hush.match',
      JSON.stringify({ interests: ['Jazz', 'jazz', 42, '<b>'], strict: 'yes', lang: 'xx1' }),
    )
    const edited = new MatchPreferences(() => 10)
    expect([edited.interests, edited.strict, edited.lang]).toEqual([['jazz'], false, ''])
    localStorage.setItem('hush.match', '{not json')
    expect(new MatchPreferences(() => 10).interests).toEqual([])
  })
})

describe('the search scope', () => {
  it('opens a search with interests to anyone after the server’s wait, and says what it looks for', () => {
    vi.useFakeTimers()
    const scope = new SearchScope()
    const opened = vi.fn()
    scope.begin({ interests: ['chess', 'music'] }, 5_000, opened)
    expect(searchingText(scope)).toBe('Looking for someone into chess and music…')
    vi.advanceTimersByTime(4_999)
    expect(opened).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(opened).toHaveBeenCalledOnce()
    expect(searchingText(scope)).toBe('Nobody into chess and music right now: looking for anyone…')
  })

  it('never opens a strict search or one without interests, and a new search starts over', () => {
    vi.useFakeTimers()
    const scope = new SearchScope()
    const opened = vi.fn()
    scope.begin({ interests: ['chess'], strict: true }, 100, opened)
    expect(searchingText(scope)).toBe('Looking only for someone into chess…')
    scope.begin({}, 100, opened)
    expect(searchingText(scope)).toBe('Looking for a stranger…')
    scope.begin({ interests: ['chess'] }, 100, opened)
    vi.advanceTimersByTime(50)
    scope.begin({ interests: ['chess'] }, 100, opened)
    vi.advanceTimersByTime(99)
    expect(opened).not.toHaveBeenCalled()
  })
})

describe('languages', () => {
  it('offers the browser’s languages first, once each, named for the person', () => {
    expect(browserLanguages(['de-AT', 'de', 'en-US', 'x-klingon', '*'])).toEqual(['de', 'en'])
    const choices = languageChoices(['de'], 'en')
    expect(choices[0]).toEqual({ code: 'de', name: 'German (Deutsch)' })
    expect(choices.find((choice) => choice.code === 'en')?.name).toBe('English')
    expect(new Set(choices.map((choice) => choice.code)).size).toBe(choices.length)
  })
})

describe('the lobby’s interests', () => {
  it('adds a chip on Enter and on a comma, removes it by its button or Backspace, and explains a refusal', () => {
    const session = new FakeSession()
    const view = render(Lobby, { session: session.asSession() })
    const input = byTestId(view, 'interests') as HTMLInputElement
    type(input, 'Chess')
    press(input, 'Enter')
    type(input, 'music, fil')
    expect(chips(view)).toEqual(['chess', 'music'])
    expect(input.value).toBe('fil')
    type(input, 'films,')
    expect(chips(view)).toEqual(['chess', 'music', 'films'])
    view.querySelector<HTMLButtonElement>('[aria-label="Remove music"]')!.click()
    flushSync()
    expect(chips(view)).toEqual(['chess', 'films'])
    type(input, '')
    press(input, 'Backspace')
    expect(chips(view)).toEqual(['chess'])
    type(input, 'c++')
    press(input, 'Enter')
    expect(input.value).toBe('c++')
    expect(view.querySelector('#interests-hint')?.textContent).toMatch(/letters, digits/)
    expect(session.search.preferences.request()).toEqual({ interests: ['chess'] })
  })

  it('enables "only people who share one" with an interest, and offers popular interests to add', () => {
    const session = new FakeSession()
    session.presence = { ...session.presence, interests: [{ tag: 'anime', searching: 7 }] }
    const view = render(Lobby, { session: session.asSession() })
    const strict = byTestId(view, 'interests-strict') as HTMLInputElement
    expect(strict.disabled).toBe(true)
    byTestId(view, 'popular-interests')!.querySelector('button')!.click()
    flushSync()
    expect(chips(view)).toEqual(['anime'])
    expect(byTestId(view, 'popular-interests')).toBeNull() // nothing left to suggest
    expect(strict.disabled).toBe(false)
    strict.click()
    flushSync()
    expect(session.search.preferences.strict).toBe(true)
    const lang = byTestId(view, 'match-lang') as HTMLSelectElement
    expect(lang.value).toBe('')
    expect(lang.options[0]?.textContent).toBe('Any language')
  })

  it('hides the editor while searching and says what the search looks for', () => {
    const session = new FakeSession()
    const view = render(Lobby, { session: session.asSession() })
    session.search.scope.begin({ interests: ['chess'] }, 60_000, () => {})
    session.start()
    flushSync()
    expect(byTestId(view, 'interests')).toBeNull()
    expect(view.textContent).toContain('Looking for someone into chess…')
    session.search.scope.end()
  })
})

describe('the chat header', () => {
  it('shows the interests both share, and nothing at random', () => {
    const session = new FakeSession()
    session.chatting()
    const view = render(Chat, { session: session.asSession() })
    expect(byTestId(view, 'common-interests')).toBeNull()
    session.common = ['chess', 'jazz']
    flushSync()
    expect(byTestId(view, 'common-interests')?.textContent).toBe('You both like chess and jazz')
  })
})
