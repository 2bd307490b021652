// The IndexedDB side of history: idb-keyval with a store of its own.
import { clear, createStore, del, entries, setMany, type UseStore } from 'idb-keyval'
import { newestFirst, parseRecord, type ChatRecord } from './history.ts'

export interface HistoryStore {
  writeMany(records: ChatRecord[]): Promise<void>
  list(): Promise<ChatRecord[]>
  remove(chatId: string): Promise<void>
  removeAll(): Promise<void>
}

/** Null when IndexedDB is missing or refuses to open (some private modes, blocked storage). */
export async function openHistoryStore(): Promise<HistoryStore | null> {
  let store: UseStore
  try {
    if (typeof indexedDB === 'undefined') return null
    store = createStore('hush', 'chats')
    await entries(store)
  } catch {
    return null
  }
  return {
    writeMany: (records) =>
      setMany(
        records.map((record) => [record.chatId, record]),
        store,
      ),
    async list() {
      const all = await entries<string, unknown>(store)
      return newestFirst(all.map(([, value]) => parseRecord(value)).filter((r): r is ChatRecord => r !== null))
    },
    remove: (chatId) => del(chatId, store),
    removeAll: () => clear(store),
  }
}
