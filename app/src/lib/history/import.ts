// Importing a history export (a file chosen in History): checked as a whole, then written in one
// transaction with the chats already present left as they are (docs/app.md, "History import").
import { checkFile, type ImportProblem } from './import-check.ts'
import type { Library } from './library.svelte.ts'

export type ImportOutcome =
  /** "Keep history" is off: nothing is written while it is, imports included. */
  | { kind: 'history-off' }
  | { kind: 'refused'; problem: ImportProblem }
  /** The file could not be read, or storage refused the write (quota): nothing was imported. */
  | { kind: 'failed'; error: unknown }
  | { kind: 'done'; imported: number; present: number }

export async function importChats(file: Blob, library: Library): Promise<ImportOutcome> {
  if (!library.keep) return { kind: 'history-off' }
  try {
    const checked = await checkFile(file)
    if (!checked.ok) return { kind: 'refused', problem: checked.problem }
    const added = await library.import(checked.records)
    return { kind: 'done', imported: added.length, present: checked.records.length - added.length }
  } catch (error) {
    return { kind: 'failed', error }
  }
}
