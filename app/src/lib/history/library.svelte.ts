// Local history as the UI sees it: availability, the "Keep history" setting, batched saves, the list.
import { errorDetail } from '../wording.ts'
import { newestFirst, summaryOf, type ChatRecord, type ChatSummary } from './record.ts'
import { createBatcher, type Batcher } from './layout.ts'
import { openHistoryStore, type HistoryStore } from './store.ts'
import { readSetting, writeSetting } from '../settings.ts'

export type LibraryStatus = 'opening' | 'ready' | 'unavailable'

export class Library {
  status = $state<LibraryStatus>('opening')
  keep = $state(readSetting('keepHistory', true))
  chats = $state.raw<ChatSummary[]>([])

  #store: HistoryStore | null = null
  #batcher: Batcher
  /** Set while writes fail: a full disk fails every batch, and the user is told once, not every retry. */
  #failing = false
  #onWriteError: (message: string | null) => void = () => {}
  #onStopped: (chatIds: string[]) => void = () => {}
  #onChanged: ((chatIds: string[] | 'all') => void)[] = []
  readonly ready: Promise<void>

  constructor(open: () => Promise<HistoryStore | null> = openHistoryStore) {
    this.ready = open().then((store) => {
      this.#store = store
      this.status = store ? 'ready' : 'unavailable'
    })
    this.#batcher = createBatcher(
      async (entries) => {
        // A save may come before the store is open: it waits rather than being lost.
        await this.ready
        await this.#store?.write(entries)
        this.#changed(entries.flatMap(([key]) => (typeof key === 'string' ? [key] : [])))
      },
      {
        failed: (error) => {
          if (this.#failing) return
          this.#failing = true
          this.#onWriteError(errorDetail(error))
        },
        recovered: () => {
          this.#failing = false
          this.#onWriteError(null)
        },
      },
    )
  }

  /** Who hears that saving failed (quota, private mode), and `null` once it works again. */
  onWriteError(listener: (message: string | null) => void): void {
    this.#onWriteError = listener
  }

  /** Who hears which chats, deleted by the user, are never saved again (one may still be going on). */
  onStopped(listener: (chatIds: string[]) => void): void {
    this.#onStopped = listener
  }

  /** Who hears which chats were written, imported or deleted (an open search keeps in step); returns how to stop. */
  onChanged(listener: (chatIds: string[] | 'all') => void): () => void {
    this.#onChanged.push(listener)
    return () => (this.#onChanged = this.#onChanged.filter((other) => other !== listener))
  }

  #changed(chatIds: string[] | 'all'): void {
    for (const listener of this.#onChanged) listener(chatIds)
  }

  /**
   * Hot path: only marks the chat dirty; the write happens in the next batch. `changedFrom` is the
   * first message that changed (default: the last one, a new message).
   */
  save(record: ChatRecord, changedFrom?: number): void {
    if (this.keep && this.status !== 'unavailable') this.#batcher.schedule(record, changedFrom)
  }

  flush(): Promise<void> {
    return this.#batcher.flush()
  }

  setKeep(keep: boolean): void {
    // Changes made while off (new messages, acks of older ones) were not written: write chats whole.
    if (keep && !this.keep) this.#batcher.rewriteAll()
    this.keep = keep
    writeSetting('keepHistory', keep)
  }

  /** Reads the list again; rejects on a storage error (as open, remove and removeAll do), keeping the old list. */
  async refresh(): Promise<void> {
    await this.ready
    await this.flush()
    this.chats = this.#store ? await this.#store.summaries() : []
  }

  /** One saved chat with its messages, or null when it is gone. */
  async open(chatId: string): Promise<ChatRecord | null> {
    await this.ready
    await this.flush()
    return this.#store ? this.#store.load(chatId) : null
  }

  /** Every saved chat with its messages (history search); rejects on a storage error. */
  async records(): Promise<ChatRecord[]> {
    await this.ready
    await this.flush()
    return this.#store ? this.#store.records() : []
  }

  /** Adds the chats (distinct ids) not saved yet (same id: left as it is), all or none; resolves with the ids added. */
  async import(records: ChatRecord[]): Promise<string[]> {
    await this.ready
    await this.flush()
    if (!this.#store) return []
    const added = await this.#store.add(records)
    const summaries = records.filter((record) => added.includes(record.chatId)).map(summaryOf)
    this.chats = newestFirst([...this.chats.filter((chat) => !added.includes(chat.chatId)), ...summaries])
    this.#changed(added)
    return added
  }

  /** Deletes a chat; one still going is not saved again (deleted means deleted). Rejects on a storage error. */
  async remove(chatId: string): Promise<void> {
    this.#onStopped(this.#batcher.drop(chatId))
    await this.flush() // a write already on its way lands before the delete
    await this.#store?.remove(chatId)
    // The list as it now is, without reading it back: a failing read must not make a done delete look failed.
    this.chats = this.chats.filter((chat) => chat.chatId !== chatId)
    this.#changed([chatId])
  }

  async removeAll(): Promise<void> {
    this.#onStopped(this.#batcher.drop())
    await this.flush()
    await this.#store?.removeAll()
    this.chats = []
    this.#changed('all')
  }
}
