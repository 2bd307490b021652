// What the person is told about saving the chat: history off, a write failing (and lifting), and the
// chat going on after they deleted it from History.
import type { NoticeBoard } from '../notices.svelte.ts'
import { historyStoppedText, historyUnavailableText, historyWriteFailedText } from '../wording.ts'
import type { Library } from './library.svelte.ts'

export function watchHistory(library: Library, board: NoticeBoard, currentChatId: () => string | null): void {
  void library.ready.then(() => {
    if (library.status === 'unavailable') board.notify('history', historyUnavailableText)
  })
  library.onWriteError((message) =>
    message === null ? board.clear('history') : board.notify('history', () => historyWriteFailedText(message)),
  )
  // Its own kind: a write failure lifting (its notice cleared) must not take this one with it.
  library.onStopped((chatIds) => {
    const chatId = currentChatId()
    if (chatId !== null && chatIds.includes(chatId)) board.notify('unsaved', historyStoppedText)
  })
}
