// Every saved message's folded text in memory, for history search: a scan of 100,000 short strings
// with `includes` takes milliseconds, finds text anywhere in a word (as the browser's find does), and
// needs no word index to build or keep in step (docs/app.md, "History search").
import { fold } from './search-text.ts'
import type { ChatRecord, StoredMessage } from './record.ts'

export interface SearchHit {
  chatId: string
  partnerName: string
  startedAt: number
  /** The message as the chat's list keys it (sender and id). */
  key: string
  message: StoredMessage
}

export interface SearchResults {
  /** The query as search compares it. */
  folded: string
  /** Every matching message, however many are listed. */
  total: number
  /** The first `limit` of them: newest chat first, newest message first within a chat. */
  hits: SearchHit[]
}

interface IndexedChat {
  record: ChatRecord
  folded: string[]
}

export const messageKey = (message: Pick<StoredMessage, 'from' | 'id'>): string => `${message.from}:${message.id}`

export class SearchIndex {
  #chats = new Map<string, IndexedChat>()
  /** The chats newest first, sorted again only after a change. */
  #order: IndexedChat[] | null = null

  put(record: ChatRecord): void {
    // A chat read again as it goes on: its earlier messages are folded already.
    const known = this.#chats.get(record.chatId)
    const folded = record.messages.map((message, i) => {
      const before = known?.record.messages[i]?.text === message.text ? known.folded[i] : undefined
      return before ?? fold(message.text)
    })
    this.#chats.set(record.chatId, { record, folded })
    this.#order = null
  }

  delete(chatId: string): void {
    if (this.#chats.delete(chatId)) this.#order = null
  }

  get size(): number {
    return this.#chats.size
  }

  find(query: string, limit: number): SearchResults {
    const folded = fold(query.trim())
    const hits: SearchHit[] = []
    let total = 0
    if (folded === '') return { folded, total, hits }
    this.#order ??= [...this.#chats.values()].sort((a, b) => b.record.startedAt - a.record.startedAt)
    for (const { record, folded: texts } of this.#order) {
      const { chatId, partnerName, startedAt, messages } = record
      for (let i = texts.length - 1; i >= 0; i--) {
        if (!texts[i]?.includes(folded)) continue
        total += 1
        const message = messages[i]
        if (hits.length < limit && message)
          hits.push({ chatId, partnerName, startedAt, key: messageKey(message), message })
      }
    }
    return { folded, total, hits }
  }
}
