// Presence counts, broadcast coalesced: at most one broadcast per interval and only when changed,
// so N users cost O(N) per interval (one encoded packet fanned out), not O(N²). Only the lobby
// (users not in a chat) receives it: at 20k users that is most of the fan-out saved.
// The interval stretches with the lobby so that a node never sends more than a fixed number of
// presence frames per second: with many nodes the totals change on almost every tick, and 4 Hz to
// 17k sockets per node starved everything else (docs/scaling.md).
import type { Presence } from '#protocol'

export const presenceIntervalMs = 250

/** Presence frames one node may send per second: 250 ms up to 5,000 lobby sockets, 1 s at 20,000. */
export const presenceFramesPerSecond = 20_000

/** The wait before the next broadcast for a lobby of this size. */
export const presenceDelayMs = (lobbySize: number, minIntervalMs = presenceIntervalMs): number =>
  Math.max(minIntervalMs, (lobbySize / presenceFramesPerSecond) * 1000)

/** The room of users not in a chat: the only ones shown presence counts. */
export const lobbyRoom = 'lobby'

const samePresence = (a: Presence, b: Presence): boolean =>
  a.online === b.online &&
  a.searching === b.searching &&
  a.chatting === b.chatting &&
  a.interests.length === b.interests.length &&
  a.interests.every((entry, i) => entry.tag === b.interests[i]?.tag && entry.searching === b.interests[i]?.searching)

export interface PresenceBroadcaster {
  /** The counts read at the last tick. */
  latest(): Presence
  stop(): void
}

export function startPresence(
  read: () => Promise<Presence>,
  broadcast: (presence: Presence) => void,
  onError: (error: unknown) => void,
  lobbySize: () => number = () => 0,
  intervalMs = presenceIntervalMs,
): PresenceBroadcaster {
  let last: Presence = { online: 0, searching: 0, chatting: 0, interests: [] }
  let timer: NodeJS.Timeout | null = null
  let stopped = false
  const tick = async () => {
    try {
      const next = await read()
      if (!samePresence(next, last)) {
        last = next
        broadcast(next)
      }
    } catch (error) {
      onError(error)
    }
    // One tick at a time: the next is scheduled only once this one is done.
    if (!stopped) timer = setTimeout(() => void tick(), presenceDelayMs(lobbySize(), intervalMs))
  }
  timer = setTimeout(() => void tick(), intervalMs)
  return {
    latest: () => last,
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
    },
  }
}
