// Waiting in tests. For state that has no event to wait on (what Redis holds, a metric), `eventually`
// polls; never a fixed sleep for something that does come. `pause` is only for a duration that is
// the scenario itself (a lease running out, a wait being measured) or for proving that something
// does NOT happen within it, with its length taken from the code's own constants.

/** Reads until the predicate holds; the last value read, or an error naming it at the deadline. */
export async function eventually<T>(
  read: () => T | Promise<T>,
  predicate: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (predicate(value)) return value
    if (Date.now() > deadline) throw new Error(`never held; last: ${JSON.stringify(value)}`)
    await pause(pollMs)
  }
}

/** Until a condition holds (a boolean `eventually`). */
export const until = (holds: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<boolean> =>
  eventually(holds, (held) => held, timeoutMs)

const pollMs = 20

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
