// The IndexedDB side of history: idb-keyval with a store of its own, laid out per history-layout.ts.
import { clear, createStore, get, promisifyRequest, setMany, type UseStore } from 'idb-keyval'
import { newestFirst, parseRecord, parseSummary, recordOf, type ChatRecord, type ChatSummary } from './record.ts'
import type { HistoryEntry } from './layout.ts'

export interface HistoryStore {
  write(entries: HistoryEntry[]): Promise<void>
  /** Every chat's summary, newest first, without reading a single message. */
  summaries(): Promise<ChatSummary[]>
  /** One whole chat, or null when it is gone. */
  load(chatId: string): Promise<ChatRecord | null>
  remove(chatId: string): Promise<void>
  removeAll(): Promise<void>
}

// IndexedDB orders every string key before every array key: heads (string ids) and chunks
// ([chatId, n]) are two ranges, and a chat's chunks are one range in message order.
const allHeads = () => IDBKeyRange.upperBound([], true)
const chunksOf = (chatId: string) => IDBKeyRange.bound([chatId], [chatId, []])

/** Null when IndexedDB is missing or refuses to open (some private modes, blocked storage). */
export async function openHistoryStore(): Promise<HistoryStore | null> {
  let store: UseStore
  try {
    if (typeof indexedDB === 'undefined') return null
    store = createStore('hush', 'chats')
    await store('readonly', (s) => promisifyRequest(s.count()))
  } catch {
    return null
  }
  return {
    write: (entries) => setMany(entries, store),
    async summaries() {
      const heads = await store('readonly', (s) => promisifyRequest(s.getAll(allHeads())))
      return newestFirst(heads.map(parseSummary).filter((summary): summary is ChatSummary => summary !== null))
    },
    async load(chatId) {
      const head = await get<unknown>(chatId, store)
      // A chat saved by the first version is one whole record.
      const whole = parseRecord(head)
      if (whole) return whole
      const summary = parseSummary(head)
      if (!summary) return null
      const chunks = await store('readonly', (s) => promisifyRequest(s.getAll(chunksOf(chatId))))
      return recordOf(summary, chunks)
    },
    remove: (chatId) =>
      store('readwrite', (s) => {
        s.delete(chatId)
        s.delete(chunksOf(chatId))
        return promisifyRequest(s.transaction)
      }),
    removeAll: () => clear(store),
  }
}
