// Solves the server's proof-of-work challenge off the main thread (altcha-lib, WebCrypto hashing),
// reporting how many keys it has tried so the page can show progress.
import { solveChallenge } from 'altcha-lib'
import { deriveKey as pbkdf2 } from 'altcha-lib/algorithms/web/pbkdf2'
import { deriveKey as sha } from 'altcha-lib/algorithms/web/sha'
import type { Challenge } from 'altcha-lib/types'

export type WorkerRequest = { challenge: Challenge }
export type WorkerReply = { tried: number } | { solution: { counter: number; derivedKey: string } | null }

const progressEveryMs = 100
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null
  postMessage(reply: WorkerReply): void
}

scope.onmessage = async ({ data }) => {
  const derive = data.challenge.parameters.algorithm.startsWith('PBKDF2') ? pbkdf2 : sha
  let tried = 0
  let toldAt = performance.now()
  const solution = await solveChallenge({
    challenge: data.challenge,
    deriveKey: (parameters, salt, password) => {
      tried += 1
      if (performance.now() - toldAt > progressEveryMs) {
        toldAt = performance.now()
        scope.postMessage({ tried })
      }
      return derive(parameters, salt, password)
    },
  }).catch(() => null)
  scope.postMessage({ solution: solution && { counter: solution.counter, derivedKey: solution.derivedKey } })
}
