// Local history as the UI sees it: availability, the "Keep history" setting, batched saves, the list.
import type { ChatRecord, ChatSummary } from './history.ts'
import { createBatcher, type Batcher } from './history-layout.ts'
import { openHistoryStore, type HistoryStore } from './history-store.ts'
import { readSetting, writeSetting } from './settings.ts'

export type LibraryStatus = 'opening' | 'ready' | 'unavailable'

export class Library {
  status = $state<LibraryStatus>('opening')
  keep = $state(readSetting('keepHistory', true))
  chats = $state.raw<ChatSummary[]>([])
  /** The last write error, shown once as a notice; the chat goes on regardless. */
  writeError = $state<string | null>(null)

  #store: HistoryStore | null = null
  #batcher: Batcher
  readonly ready: Promise<void>

  constructor(open: () => Promise<HistoryStore | null> = openHistoryStore) {
    this.#batcher = createBatcher(
      (entries) => this.#store?.write(entries) ?? Promise.resolve(),
      (error) => (this.writeError = error instanceof Error ? error.message : String(error)),
    )
    this.ready = open().then((store) => {
      this.#store = store
      this.status = store ? 'ready' : 'unavailable'
    })
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
    this.keep = keep
    writeSetting('keepHistory', keep)
  }

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

  async remove(chatId: string): Promise<void> {
    await this.#store?.remove(chatId)
    await this.refresh()
  }

  async removeAll(): Promise<void> {
    await this.flush()
    await this.#store?.removeAll()
    await this.refresh()
  }
}
