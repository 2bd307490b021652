// The IndexedDB side of history: idb-keyval with a store of its own, laid out per history-layout.ts.
import { clear, createStore, get, promisifyRequest, setMany, type UseStore } from 'idb-keyval'
import { newestFirst, parseRecord, parseSummary, recordOf, type ChatRecord, type ChatSummary } from './record.ts'
import { entriesFor, type HistoryEntry } from './layout.ts'

export interface HistoryStore {
  write(entries: HistoryEntry[]): Promise<void>
  /** Every chat's summary, newest first, without reading a single message. */
  summaries(): Promise<ChatSummary[]>
  /** One whole chat, or null when it is gone. */
  load(chatId: string): Promise<ChatRecord | null>
  /** Every chat with its messages, read in one transaction (history search). */
  records(): Promise<ChatRecord[]>
  /** Writes the chats not stored yet (by id), all or none; resolves with the ids it wrote. */
  add(records: ChatRecord[]): Promise<string[]>
  remove(chatId: string): Promise<void>
  removeAll(): Promise<void>
}

// IndexedDB orders every string key before every array key: heads (string ids) and chunks
// ([chatId, n]) are two ranges, and a chat's chunks are one range in message order.
const allHeads = () => IDBKeyRange.upperBound([], true)
const chunksOf = (chatId: string) => IDBKeyRange.bound([chatId], [chatId, []])
const allChunks = () => IDBKeyRange.lowerBound([])

/** Every chat from its stored head (current layout, or a whole record) and the chunks of every chat, in key order. */
function recordsFrom(heads: unknown[], chunkKeys: IDBValidKey[], chunks: unknown[]): ChatRecord[] {
  const chunksByChat = new Map<string, unknown[]>()
  chunkKeys.forEach((key, i) => {
    const chatId = String((key as [string, number])[0])
    const list = chunksByChat.get(chatId)
    if (list) list.push(chunks[i])
    else chunksByChat.set(chatId, [chunks[i]])
  })
  return heads.flatMap((head) => {
    const whole = parseRecord(head)
    if (whole) return [whole]
    const summary = parseSummary(head)
    return summary ? [recordOf(summary, chunksByChat.get(summary.chatId) ?? [])] : []
  })
}

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
    records: () =>
      store('readonly', async (s) => {
        const [heads, chunkKeys, chunks] = await Promise.all([
          promisifyRequest(s.getAll(allHeads())),
          promisifyRequest(s.getAllKeys(allChunks())),
          promisifyRequest(s.getAll(allChunks())),
        ])
        return recordsFrom(heads, chunkKeys, chunks)
      }),
    add: (records) =>
      store('readwrite', async (s) => {
        // Read and written in one transaction: no other tab can add the same chat in between.
        const present = new Set(await promisifyRequest(s.getAllKeys(allHeads())))
        const added: string[] = []
        for (const record of records) {
          if (present.has(record.chatId)) continue
          present.add(record.chatId)
          added.push(record.chatId)
          for (const [key, value] of entriesFor(record, 0)) s.put(value, key)
        }
        await promisifyRequest(s.transaction)
        return added
      }),
    remove: (chatId) =>
      store('readwrite', (s) => {
        s.delete(chatId)
        s.delete(chunksOf(chatId))
        return promisifyRequest(s.transaction)
      }),
    removeAll: () => clear(store),
  }
}
