// Sealed frames the partner relayed before our match:found arrived (between nodes the first of them can
// overtake it): a few are kept for the chat about to be announced, which reads them first.

/** Enough for a handshake's first frames; anything beyond is not a handshake. */
const earlyFramesMax = 8

export class EarlyFrames {
  #frames: Uint8Array[] = []

  keep(frame: Uint8Array): void {
    if (this.#frames.length < earlyFramesMax) this.#frames.push(frame)
  }

  /** What was kept, in order, once. */
  take(): Uint8Array[] {
    return this.#frames.splice(0)
  }
}
