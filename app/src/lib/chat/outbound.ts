// Frames leave in the order they were made, though a signed one waits for its (async) signature:
// whatever is queued after it waits too. Unsigned frames with nothing pending leave at once.

export class Outbound {
  #chain: Promise<void> = Promise.resolve()
  #pending = 0

  /** Nothing is waiting for a signature: a frame may leave now. */
  get idle(): boolean {
    return this.#pending === 0
  }

  /** `leave` runs with the signature (null if it could not be made) after everything queued before it. */
  signed(signature: Promise<string>, leave: (sig: string | null, last: boolean) => void): void {
    this.#pending += 1
    const made = signature.catch(() => null)
    this.#chain = this.#chain.then(async () => {
      const sig = await made
      this.#pending -= 1
      leave(sig, this.#pending === 0)
    })
  }

  /** Runs after every frame queued so far has gone out: at once when no signature is pending. */
  after(task: () => void): void {
    if (this.#pending === 0) task()
    else this.#chain = this.#chain.then(task)
  }
}
