// What History's search and import say: English exactly as before the catalogues, and every other
// language through its own plural forms (Arabic's six), worded again after a switch.
import { afterEach, describe, expect, it } from 'vitest'
import {
  historyImportDoneText,
  historyImportRefusedText,
  historySearchMoreText,
  historySearchStatusText,
} from '../../app/src/lib/history/history-wording.ts'
import { language } from '../../app/src/lib/i18n/language.svelte.ts'

afterEach(() => language.use('en'))

describe('history wording', () => {
  it('says the search counts and import outcomes in English as they always read', () => {
    expect(historySearchStatusText(0, 0)).toBe('No messages found.')
    expect(historySearchStatusText(1, 1)).toBe('1 message found.')
    expect(historySearchStatusText(120, 50)).toBe('120 messages found, showing the newest 50.')
    expect(historySearchMoreText(50)).toBe('Show 50 more')
    expect(historyImportDoneText(0, 1)).toBe('This chat is already in your history: nothing was imported.')
    expect(historyImportDoneText(0, 3)).toBe('All 3 chats are already in your history: nothing was imported.')
    expect(historyImportDoneText(1, 0)).toBe('Imported 1 chat.')
    expect(historyImportDoneText(2, 1)).toBe('Imported 2 chats; 1 chat already in your history was left as it is.')
    expect(historyImportDoneText(1, 2)).toBe('Imported 1 chat; 2 chats already in your history were left as they are.')
  })

  it('names what is wrong with a refused file, with or without the chat it is in', () => {
    const refused = (problem: Parameters<typeof historyImportRefusedText>[1]) =>
      historyImportRefusedText('a.json', problem)
    expect(refused({ kind: 'too-big', bytes: 60 * 1024 * 1024 })).toBe(
      '“a.json” can’t be imported: it is too big (60.0 MB; at most 50 MB). Nothing was changed.',
    )
    expect(refused({ kind: 'field', chat: null, field: 'chatId' })).toBe(
      '“a.json” can’t be imported: the chat has no valid “chatId”. Nothing was changed.',
    )
    expect(refused({ kind: 'repeated-message', chat: 2, message: 7 })).toBe(
      '“a.json” can’t be imported: message 7 of chat 2 repeats an earlier message’s id. Nothing was changed.',
    )
  })

  it('follows a switch, with each language’s plural forms and number format', async () => {
    await language.use('ar')
    expect([0, 1, 2, 3, 11].map((n) => historyImportDoneText(n, 0))).toEqual([
      'لا محادثات في الملف: لم يُستورد شيء.',
      'استُوردت محادثة واحدة.',
      'استُوردت محادثتان.',
      'استُوردت 3 محادثات.',
      'استُوردت 11 محادثة.',
    ])
    await language.use('de')
    expect(historySearchStatusText(1, 1)).toBe('1 Nachricht gefunden.')
    expect(historyImportRefusedText('a.json', { kind: 'too-big', bytes: 60 * 1024 * 1024 })).toBe(
      '„a.json“ lässt sich nicht importieren: Die Datei ist zu groß (60,0 MB; höchstens 50 MB). Es wurde nichts geändert.',
    )
    await language.use('pt')
    expect(historyImportDoneText(2, 1)).toBe(
      'Importados: 2 chats; 1 chat que já estava no seu histórico ficou como estava.',
    )
  })
})
