// Typing signals (docs/app.md, "End-to-end layer"): at most one `on` per 2 s while typing; `off` after 3 s idle or on send.

export const typingRepeatMs = 2_000
export const typingIdleMs = 3_000
/** The receiver's safety net: an `on` not renewed within this window expires (sender repeats every 2 s). */
export const typingExpiryMs = 6_000

export interface TypingSender {
  /** Call on every edit with the composer's current text. */
  input(text: string): void
  /** The message was sent (or the chat ended): stop at once. */
  stop(): void
}

/** `send` answers whether the signal left: an `on` that could not go (still connecting) is retried on the next edit. */
export function createTypingSender(send: (on: boolean) => boolean, now: () => number = Date.now): TypingSender {
  let on = false
  let lastOnAt = -Infinity
  let idle: ReturnType<typeof setTimeout> | undefined

  function stop(): void {
    clearTimeout(idle)
    idle = undefined
    if (!on) return
    on = false
    send(false)
  }

  return {
    input(text) {
      if (text.trim().length === 0) return stop()
      clearTimeout(idle)
      idle = setTimeout(stop, typingIdleMs)
      if (on && now() - lastOnAt < typingRepeatMs) return
      if (!send(true)) return
      on = true
      lastOnAt = now()
    },
    stop,
  }
}
