// What the search going on looks for: the person's interests at first and, unless they asked for only
// those, anyone once the server's wait for a shared interest is over (it opens the search then too).
import type { FindRequest } from '#protocol'

export class SearchScope {
  /** The interests the search asks for ([] for anyone). */
  interests = $state.raw<readonly string[]>([])
  strict = $state(false)
  /** A search with interests that now takes anyone too. */
  opened = $state(false)
  #timer: ReturnType<typeof setTimeout> | undefined

  /** A find left with this request; `opened` is called when the server opens it to anyone. */
  begin(request: FindRequest, waitMs: number, opened: () => void): void {
    this.end()
    this.interests = request.interests ?? []
    this.strict = request.strict === true
    this.opened = false
    if (this.interests.length === 0 || this.strict) return
    this.#timer = setTimeout(() => {
      this.opened = true
      opened()
    }, waitMs)
  }

  end(): void {
    clearTimeout(this.#timer)
  }
}
