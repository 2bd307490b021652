// Presence counts, broadcast coalesced: at most one broadcast per interval and only when changed,
// so N users cost O(N) per interval (one encoded packet fanned out), not O(N²). Only the lobby
// (users not in a chat) receives it: at 20k users that is most of the fan-out saved.
import type { Presence } from './protocol.ts'

export const presenceIntervalMs = 250

/** The room of users not in a chat: the only ones shown presence counts. */
export const lobbyRoom = 'lobby'

export interface PresenceBroadcaster {
  /** The counts read at the last tick. */
  latest(): Presence
  stop(): void
}

export function startPresence(
  read: () => Promise<Presence>,
  broadcast: (presence: Presence) => void,
  onError: (error: unknown) => void,
  intervalMs = presenceIntervalMs,
): PresenceBroadcaster {
  let last: Presence = { online: 0, searching: 0, chatting: 0 }
  let reading = false
  const tick = async () => {
    if (reading) return
    reading = true
    try {
      const next = await read()
      if (next.online !== last.online || next.searching !== last.searching || next.chatting !== last.chatting) {
        last = next
        broadcast(next)
      }
    } catch (error) {
      onError(error)
    } finally {
      reading = false
    }
  }
  const timer = setInterval(() => void tick(), intervalMs)
  return {
    latest: () => last,
    stop: () => clearInterval(timer),
  }
}
