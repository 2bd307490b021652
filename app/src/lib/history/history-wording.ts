// What History's search and import say, worded from the catalogues when called: built in a template (or
// kept as a function until then), each sentence follows a language switch.
import { language, m } from '../i18n/language.svelte.ts'
import { errorDetail } from '../wording.ts'
import type { ImportProblem } from './import-check.ts'

export const historySearchLabel = (): string => m.history_search_label()
export const historySearchPlaceholder = (): string => m.history_search_placeholder()

/** Said politely as results change: how many messages match, and how many are listed. */
export function historySearchStatusText(total: number, listed: number): string {
  if (total === 0) return m.history_search_none()
  return listed < total
    ? m.history_search_found_newest({ count: total, listed })
    : m.history_search_found({ count: total })
}

export const historySearchIndexingText = (): string => m.history_search_indexing()

export const historySearchFailedText = (detail: string): string => m.history_search_failed({ detail })

export const historySearchMoreText = (count: number): string => m.history_search_more({ count })

/** A saved chat opened at a search result shows the messages around it; this goes back to the end. */
export const historyLatestText = (): string => m.history_latest()

export const historyImportLabel = (): string => m.history_import_label()

/** "12.3": a refused file's size in megabytes, one decimal, in the interface language. */
const megabytes = (bytes: number): string =>
  new Intl.NumberFormat(language.intlTag, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(
    bytes / 1024 / 1024,
  )

/** Why a file was refused; a problem in a list of chats names the chat (`chat`), one in a lone chat does not. */
function importProblemText(problem: ImportProblem): string {
  switch (problem.kind) {
    case 'too-big':
      return m.history_import_too_big({ megabytes: megabytes(problem.bytes) })
    case 'not-json':
      return m.history_import_not_json({ detail: problem.detail })
    case 'not-chats':
      return m.history_import_not_chats()
    case 'no-chats':
      return m.history_import_no_chats()
    case 'field': {
      const { chat, field } = problem
      return chat === null ? m.history_import_field({ field }) : m.history_import_field_in({ chat, field })
    }
    case 'message': {
      const { chat, message } = problem
      return chat === null ? m.history_import_message({ message }) : m.history_import_message_in({ chat, message })
    }
    case 'repeated-message': {
      const { chat, message } = problem
      return chat === null
        ? m.history_import_repeated_message({ message })
        : m.history_import_repeated_message_in({ chat, message })
    }
    case 'repeated-chat':
      return m.history_import_repeated_chat({ chat: problem.chat })
    case 'not-a-chat':
      return problem.chat === null
        ? m.history_import_not_a_chat()
        : m.history_import_not_a_chat_in({ chat: problem.chat })
  }
}

export const historyImportRefusedText = (file: string, problem: ImportProblem): string =>
  m.history_import_refused({ file, reason: importProblemText(problem) })

export const historyImportFailedText = (file: string, error: unknown): string =>
  m.history_import_failed({ file, detail: errorDetail(error) })

export const historyImportOffText = (): string => m.history_import_off()

export function historyImportDoneText(imported: number, present: number): string {
  if (imported === 0) return m.history_import_all_present({ count: present })
  if (present === 0) return m.history_import_done({ count: imported })
  return m.history_import_done_present({ chats: m.history_chat_count({ count: imported }), count: present })
}
