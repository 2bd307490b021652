// Images the person picked, pasted or dropped, sent one by one: what went wrong comes back as a problem,
// worded where it is shown (so the words follow a language switch).
import type { ActiveChat } from './active-chat.svelte.ts'
import { ImageError } from './image-encode.ts'
import type { ImageSendProblem } from '../wording.ts'

/** The problem with the last image that could not be sent (null when all went). */
export async function sendImages(chat: ActiveChat | null, files: Iterable<File>): Promise<ImageSendProblem | null> {
  if (!chat) return null
  let problem: ImageSendProblem | null = null
  for (const file of files) {
    if (!chat.images.canSend) return 'no-path'
    try {
      await chat.images.send(file)
    } catch (error) {
      problem = error instanceof ImageError ? error.problem : 'not-image'
    }
  }
  return problem
}
