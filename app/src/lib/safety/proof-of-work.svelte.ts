// "Checking you are not a bot…": the server's proof-of-work challenge, solved in a Web Worker so the
// page stays responsive, with progress, then handed back as the payload altcha-lib verifies.
import type { Challenge } from 'altcha-lib/types'
import type { WorkerReply, WorkerRequest } from './pow-worker.ts'

export class ProofOfWork {
  /** Whether a challenge is being solved now. */
  solving = $state(false)
  /** An estimate between 0 and 1 (the work is a search: it can end at any moment). */
  progress = $state(0)
  #worker: Worker | null = null

  /** The solution payload (base64 JSON of the challenge and solution); rejects when it cannot be solved. */
  solve(challenge: unknown): Promise<string> {
    this.cancel()
    if (!isChallenge(challenge)) return Promise.reject(new Error('not a proof-of-work challenge'))
    const expected = expectedTries(challenge)
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- Vite bundles the worker only from this exact form
    const worker = new Worker(new URL('./pow-worker.ts', import.meta.url), { type: 'module' })
    this.#worker = worker
    this.solving = true
    this.progress = 0
    return new Promise<string>((resolve, reject) => {
      worker.onmessage = ({ data }: MessageEvent<WorkerReply>) => {
        if ('tried' in data) return void (this.progress = Math.min(0.95, data.tried / expected))
        this.#stop(worker)
        if (!data.solution) return reject(new Error('no solution found'))
        this.progress = 1
        resolve(btoa(JSON.stringify({ challenge, solution: data.solution })))
      }
      worker.onerror = () => {
        this.#stop(worker)
        reject(new Error('the proof-of-work worker failed'))
      }
      worker.postMessage({ challenge } satisfies WorkerRequest)
    })
  }

  cancel(): void {
    if (this.#worker) this.#stop(this.#worker)
  }

  #stop(worker: Worker): void {
    worker.terminate()
    if (this.#worker !== worker) return
    this.#worker = null
    this.solving = false
  }
}

/** How many keys a solve tries on average: the server may say (`data.maxCounter`), else the prefix tells. */
function expectedTries(challenge: Challenge): number {
  const { keyPrefix, data } = challenge.parameters
  const max = data?.maxCounter
  return typeof max === 'number' && max > 0 ? max / 2 : 16 ** keyPrefix.length / 2
}

function isChallenge(value: unknown): value is Challenge {
  if (typeof value !== 'object' || value === null) return false
  const parameters = (value as { parameters?: unknown }).parameters
  if (typeof parameters !== 'object' || parameters === null) return false
  const { algorithm, nonce, salt, keyPrefix } = parameters as Record<string, unknown>
  return [algorithm, nonce, salt, keyPrefix].every((field) => typeof field === 'string')
}
