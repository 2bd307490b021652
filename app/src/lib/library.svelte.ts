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

  #store: HistoryStore | null = null
  #batcher: Batcher
  /** Set while writes fail: a full disk fails every batch, and the user is told once, not every 400 ms. */
  #failing = false
  #onWriteError: (message: string) => void = () => {}
  readonly ready: Promise<void>

  constructor(open: () => Promise<HistoryStore | null> = openHistoryStore) {
    this.#batcher = createBatcher(
      async (entries) => {
        await this.#store?.write(entries)
        this.#failing = false
      },
      (error) => {
        if (this.#failing) return
        this.#failing = true
        this.#onWriteError(error instanceof Error ? error.message : String(error))
      },
    )
    this.ready = open().then((store) => {
      this.#store = store
      this.status = store ? 'ready' : 'unavailable'
    })
  }

  /** Who hears that saving failed (quota, private mode); the chat goes on regardless. */
  onWriteError(listener: (message: string) => void): void {
    this.#onWriteError = listener
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
