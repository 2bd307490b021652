// History's storage actions as the view runs them: a refusal (quota, private mode, a broken store) is
// shown, not lost, until the next action works.
import { historyActionFailedText, type HistoryAction } from '../wording.ts'

/** What a storage action gives when it failed (its error is shown). */
export const failed = Symbol('failed')

export class HistoryAttempts {
  /** The last storage error, shown until the next action works. */
  problem = $state<string | null>(null)

  async run<T>(action: HistoryAction, task: () => Promise<T>): Promise<T | typeof failed> {
    try {
      const value = await task()
      this.problem = null
      return value
    } catch (error) {
      this.problem = historyActionFailedText(action, error)
      return failed
    }
  }
}
