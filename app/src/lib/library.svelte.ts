// Local history as the UI sees it: availability, the "Keep history" setting, batched saves, the list.
import { createBatcher, type Batcher, type ChatRecord } from './history.ts'
import { openHistoryStore, type HistoryStore } from './history-store.ts'
import { readSetting, writeSetting } from './settings.ts'

export type LibraryStatus = 'opening' | 'ready' | 'unavailable'

export class Library {
  status = $state<LibraryStatus>('opening')
  keep = $state(readSetting('keepHistory', true))
  records = $state.raw<ChatRecord[]>([])
  /** The last write error, shown once as a notice; the chat goes on regardless. */
  writeError = $state<string | null>(null)

  #store: HistoryStore | null = null
  #batcher: Batcher
  readonly ready: Promise<void>

  constructor(open: () => Promise<HistoryStore | null> = openHistoryStore) {
    this.#batcher = createBatcher(
      (records) => this.#store?.writeMany(records) ?? Promise.resolve(),
      (error) => (this.writeError = error instanceof Error ? error.message : String(error)),
    )
    this.ready = open().then((store) => {
      this.#store = store
      this.status = store ? 'ready' : 'unavailable'
    })
  }

  /** Hot path: only marks the chat dirty; the write happens in the next batch. */
  save(record: ChatRecord): void {
    if (this.keep && this.status !== 'unavailable') this.#batcher.schedule(record)
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
    this.records = this.#store ? await this.#store.list() : []
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
