// Our messages and image offers the partner has not acknowledged, in the order sent: a path that went
// away may have swallowed them, so they go again (the partner keeps one per id).
import type { Frame } from '../link/frames.ts'

type Kept = Extract<Frame, { t: 'msg' | 'img-offer' }>

/** At most this many unacknowledged frames go again at once: well within the server relay's burst. */
const resendMax = 50

export class Outbox {
  // Bookkeeping only, never rendered: a plain Map on purpose (a reactive one would cost every send).
  readonly #waiting = new Map<string, { frame: Kept; sentMs: number }>()
  readonly #send: (frame: Frame) => boolean

  constructor(send: (frame: Frame) => boolean) {
    this.#send = send
  }

  /** Sends a frame and keeps it until acked; if the link refuses it now, the next resend carries it. */
  transmit(frame: Kept): void {
    this.#waiting.set(frame.id, { frame, sentMs: performance.now() })
    this.#send(frame)
  }

  /** Acknowledged, or no longer to be sent (unsent). */
  settle(id: string): void {
    this.#waiting.delete(id)
  }

  /** Sends again, in order, what has waited at least `minAgeMs` (0: all of it). */
  resend(minAgeMs: number): void {
    const nowMs = performance.now()
    let sent = 0
    for (const pending of this.#waiting.values()) {
      // Bounded: a partner who never acks must not make us send ever more (the rest goes next time).
      if (sent === resendMax) return
      if (nowMs - pending.sentMs < minAgeMs) continue
      if (!this.#send(pending.frame)) return
      pending.sentMs = nowMs
      sent += 1
    }
  }
}
