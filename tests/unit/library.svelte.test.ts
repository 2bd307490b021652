// History as the UI sees it, over a store in memory that can be made to fail.
import { describe, expect, it } from 'vitest'
import type { ChatRecord } from '../../app/src/lib/history/record.ts'
import { Library } from '../../app/src/lib/history/library.svelte.ts'
import { memoryHistory } from '../support/memory-history.ts'

const chat = (chatId: string, startedAt = 1_700_000_000_000): ChatRecord => ({
  chatId,
  myName: 'Calm Otter',
  partnerName: 'Bold Lynx',
  startedAt,
  endedAt: null,
  messages: [{ id: `${chatId}-1-abcdef`, from: 'them', text: 'hi', at: startedAt, status: 'received' }],
})

function library() {
  const history = memoryHistory()
  const lib = new Library(async () => history.store)
  const writeErrors: (string | null)[] = []
  const stopped: string[][] = []
  lib.onWriteError((message) => writeErrors.push(message))
  lib.onStopped((chatIds) => stopped.push(chatIds))
  return { history, lib, writeErrors, stopped }
}

describe('Library', () => {
  it('lifts the write failure when the chats whose writes failed are deleted: nothing is left to write', async () => {
    const { history, lib, writeErrors } = library()
    history.failing.add('write')
    lib.save(chat('c1'))
    await lib.flush()
    expect(writeErrors).toEqual(['write refused'])
    await lib.remove('c1')
    expect(writeErrors).toEqual(['write refused', null])
    const tries = history.writes
    await lib.flush()
    expect(history.writes).toBe(tries)
  })

  it('keeps the write failure while another chat still waits to be written', async () => {
    const { history, lib, writeErrors } = library()
    history.failing.add('write')
    lib.save(chat('c1'))
    lib.save(chat('c2'))
    await lib.flush()
    await lib.remove('c1')
    expect(writeErrors).toEqual(['write refused'])
  })

  it('says which chats are never saved again when deleted (one may still be going on)', async () => {
    const { lib, stopped } = library()
    lib.save(chat('c1'))
    lib.save(chat('c2'))
    await lib.flush()
    await lib.remove('c1')
    await lib.removeAll()
    expect(stopped).toEqual([['c1'], ['c2']])
  })

  it('rejects a failed read or delete, keeping the list it had; a delete that worked never fails on reading back', async () => {
    const { history, lib } = library()
    lib.save(chat('c1', 1))
    lib.save(chat('c2', 2))
    await lib.refresh()
    history.failing.add('summaries')
    await expect(lib.refresh()).rejects.toThrow('summaries refused')
    history.failing.add('remove')
    await expect(lib.remove('c1')).rejects.toThrow('remove refused')
    expect(lib.chats.map((c) => c.chatId)).toEqual(['c2', 'c1'])
    history.failing.delete('remove')
    // A delete that worked is reported as done even while reading the list would fail: it is not read back.
    await expect(lib.remove('c1')).resolves.toBeUndefined()
    expect(lib.chats.map((c) => c.chatId)).toEqual(['c2'])
    await expect(lib.removeAll()).resolves.toBeUndefined()
    expect(lib.chats).toEqual([])
  })
})
