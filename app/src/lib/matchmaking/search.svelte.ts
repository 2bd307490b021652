// What a search asks the server for and what it goes through on the way: the person's preferences and
// our signing key in the request, the wait for a shared interest, and a proof of work when asked.
import type { FindRequest, Limits } from '#protocol'
import type { SigningKeys } from '../link/signing.ts'
import { ProofOfWork } from '../safety/proof-of-work.svelte.ts'
import { MatchPreferences } from './preferences.svelte.ts'
import { SearchScope } from './search-scope.svelte.ts'

/** Where the next chat's signing keys come from (link/chat-prep.ts): a search announces their public half. */
export interface SigningSource {
  signingKeys(): Promise<SigningKeys | null>
  /** The same keys if made already (undefined while in the making): a search then leaves at once. */
  signingKeysMade(): SigningKeys | null | undefined
}

export interface SearchDeps {
  limits(): Limits
  signing: SigningSource
  /** The server's wait for a shared interest is over: the search is open to anyone now. */
  opened(): void
}

export class Search {
  readonly preferences: MatchPreferences
  readonly scope = new SearchScope()
  /** "Checking you are not a bot…", when the server asks a search for proof of work. */
  readonly proof = new ProofOfWork()
  readonly #deps: SearchDeps

  constructor(deps: SearchDeps) {
    this.#deps = deps
    this.preferences = new MatchPreferences(() => deps.limits().maxInterests)
  }

  /** Settles once a search can leave without waiting for its signing key. */
  ready(): Promise<void> {
    return this.#deps.signing.signingKeys().then(() => undefined)
  }

  /** The request of a find about to leave (at once when our key is made); the server's wait counts from it. */
  request(): FindRequest | Promise<FindRequest> {
    const made = this.#deps.signing.signingKeysMade()
    if (made === undefined) return this.#deps.signing.signingKeys().then((keys) => this.#request(keys))
    return this.#request(made)
  }

  #request(signing: SigningKeys | null): FindRequest {
    const request = this.preferences.request()
    if (signing) request.signKey = signing.publicKey
    this.scope.begin(request, this.#deps.limits().interestWaitMs, () => this.#deps.opened())
    return request
  }

  stop(): void {
    this.scope.end()
    this.proof.cancel()
  }
}
