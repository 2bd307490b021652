// Images the person picked, pasted or dropped, sent one by one: what went wrong comes back as words.
import type { ActiveChat } from './active-chat.svelte.ts'
import { ImageError } from './image-encode.ts'
import { imageProblemText } from '../wording.ts'

/** The problem with the last image that could not be sent ('' when all went). */
export async function sendImages(chat: ActiveChat | null, files: Iterable<File>): Promise<string> {
  if (!chat) return ''
  let problem = ''
  for (const file of files) {
    if (!chat.images.canSend) return imageProblemText('no-path')
    try {
      await chat.images.send(file)
    } catch (error) {
      problem = imageProblemText(error instanceof ImageError ? error.problem : 'not-image')
    }
  }
  return problem
}
