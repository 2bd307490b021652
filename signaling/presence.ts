// Presence counts, broadcast coalesced: at most one broadcast per interval and only when changed,
// so N users cost O(N) per interval (one encoded packet fanned out), not O(N²). Only the lobby
// (users not in a chat) receives it, and the interval stretches with the audience so that the
// fan-out stays within a budget of frames per second (each frame is a syscall: at 16k users, four
// broadcasts a second starved new connections of CPU).
import type { Presence } from './protocol.ts'

export const presenceIntervalMs = 250

/** Presence frames one node may send per second; above 2,500 lobby users the interval grows. */
export const presenceFramesPerSecond = 10_000

/** The room of users not in a chat: the only ones shown presence counts. */
export const lobbyRoom = 'lobby'

/** How long to wait after broadcasting to `audience` sockets before the next broadcast. */
export const presenceDelayMs = (audience: number, minimumMs = presenceIntervalMs): number =>
  Math.max(minimumMs, Math.ceil((audience / presenceFramesPerSecond) * 1000))

export interface PresenceBroadcaster {
  stop(): void
}

export function startPresence(
  read: () => Promise<Presence>,
  /** Sends the counts; returns how many sockets they went to. */
  broadcast: (presence: Presence) => number,
  onError: (error: unknown) => void,
  intervalMs = presenceIntervalMs,
): PresenceBroadcaster {
  let last: Presence = { online: 0, searching: 0, chatting: 0 }
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  const tick = async () => {
    let delayMs = intervalMs
    try {
      const next = await read()
      if (next.online !== last.online || next.searching !== last.searching || next.chatting !== last.chatting) {
        last = next
        delayMs = presenceDelayMs(broadcast(next), intervalMs)
      }
    } catch (error) {
      onError(error)
    }
    if (!stopped) timer = setTimeout(() => void tick(), delayMs)
  }
  timer = setTimeout(() => void tick(), intervalMs)
  return {
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}
