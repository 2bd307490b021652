// A history store in memory for unit tests, laid out as IndexedDB holds it, whose operations can be made to fail.
import { entriesFor, type HistoryEntry } from '../../app/src/lib/history/layout.ts'
import type { HistoryStore } from '../../app/src/lib/history/store.ts'
import { newestFirst, parseSummary, recordOf, type ChatSummary } from '../../app/src/lib/history/record.ts'

export type StoreOperation = keyof HistoryStore

export interface MemoryHistory {
  store: HistoryStore
  /** Operations that reject, as a full disk or a broken store makes them, until removed from the set. */
  failing: Set<StoreOperation>
  /** How many writes were tried, failed ones included. */
  readonly writes: number
}

export function memoryHistory(): MemoryHistory {
  const values = new Map<string, unknown>()
  const failing = new Set<StoreOperation>()
  let writes = 0
  const guard = (operation: StoreOperation) => {
    if (failing.has(operation)) throw new DOMException(`${operation} refused`, 'QuotaExceededError')
  }
  const isChunkOf = (key: string, chatId: string) => key.startsWith(`[${JSON.stringify(chatId)},`)
  const store: HistoryStore = {
    async write(entries: HistoryEntry[]) {
      writes++
      guard('write')
      for (const [key, value] of entries) values.set(JSON.stringify(key), structuredClone(value))
    },
    async summaries() {
      guard('summaries')
      const heads = [...values].filter(([key]) => !key.startsWith('[')).map(([, value]) => parseSummary(value))
      return newestFirst(heads.filter((summary): summary is ChatSummary => summary !== null))
    },
    async load(chatId) {
      guard('load')
      const summary = parseSummary(values.get(JSON.stringify(chatId)))
      if (!summary) return null
      const chunks = [...values].filter(([key]) => isChunkOf(key, chatId)).map(([, value]) => value)
      return recordOf(summary, chunks)
    },
    async records() {
      guard('records')
      const heads = [...values].filter(([key]) => !key.startsWith('[')).map(([key]) => JSON.parse(key) as string)
      const records = await Promise.all(heads.map((chatId) => store.load(chatId)))
      return records.filter((record) => record !== null)
    },
    async add(records) {
      writes++
      guard('add')
      const added = records.filter(
        (record, i) =>
          !values.has(JSON.stringify(record.chatId)) && records.findIndex((r) => r.chatId === record.chatId) === i,
      )
      for (const [key, value] of added.flatMap((record) => entriesFor(record, 0)))
        values.set(JSON.stringify(key), structuredClone(value))
      return added.map((record) => record.chatId)
    },
    async remove(chatId) {
      guard('remove')
      for (const key of [...values.keys()])
        if (key === JSON.stringify(chatId) || isChunkOf(key, chatId)) values.delete(key)
    },
    async removeAll() {
      guard('removeAll')
      values.clear()
    },
  }
  return {
    store,
    failing,
    get writes() {
      return writes
    },
  }
}
