// The optional parts of a stored message beyond its text: a reply, reactions, an edit, a deletion, an
// image. Parsed field by field from storage or an imported file: a malformed part is dropped, not fatal.
import { fromBase64 } from '../link/bytes.ts'
import { imageRules, reactionEmojis, type ImageMime, type ReactionEmoji } from '../link/frames.ts'

/** offered: waiting for Accept; loading: arriving; done: all here; failed: it never came (declined, ended). */
export type ImageStatus = 'offered' | 'loading' | 'done' | 'failed'

export interface StoredImage {
  mime: ImageMime
  bytes: number
  width: number
  height: number
  status: ImageStatus
  /** The picture once all of it is here (in IndexedDB as a Blob; base64 `data` in an exported file). */
  blob?: Blob
}

export interface RichFields {
  replyTo?: string
  reactions?: Partial<Record<'me' | 'them', ReactionEmoji>>
  /** When the text was last edited (the editor's clock). */
  editedAt?: number
  /** Unsent by its sender: the text (and picture) are gone from both histories. */
  deleted?: true
  image?: StoredImage
}

export function parseRichFields(m: Record<string, unknown>): RichFields {
  const fields: RichFields = {}
  if (typeof m.replyTo === 'string') fields.replyTo = m.replyTo
  const reactions = parseReactions(m.reactions)
  if (reactions) fields.reactions = reactions
  if (typeof m.editedAt === 'number') fields.editedAt = m.editedAt
  if (m.deleted === true) fields.deleted = true
  const image = parseImage(m.image)
  if (image) fields.image = image
  return fields
}

function parseReactions(value: unknown): RichFields['reactions'] | null {
  if (typeof value !== 'object' || value === null) return null
  const reactions: NonNullable<RichFields['reactions']> = {}
  for (const who of ['me', 'them'] as const) {
    const emoji = (value as Record<string, unknown>)[who]
    if (reactionEmojis.includes(emoji as ReactionEmoji)) reactions[who] = emoji as ReactionEmoji
  }
  return Object.keys(reactions).length > 0 ? reactions : null
}

const statuses: readonly ImageStatus[] = ['offered', 'loading', 'done', 'failed']

function parseImage(value: unknown): StoredImage | null {
  if (typeof value !== 'object' || value === null) return null
  const { mime, bytes, width, height, status, blob, data } = value as Record<string, unknown>
  if (!imageRules.mimes.includes(mime as ImageMime) || !statuses.includes(status as ImageStatus)) return null
  if (![bytes, width, height].every((n) => Number.isSafeInteger(n) && (n as number) > 0)) return null
  const image: StoredImage = {
    mime: mime as ImageMime,
    bytes: bytes as number,
    width: width as number,
    height: height as number,
    status: status as ImageStatus,
  }
  const picture = blob instanceof Blob ? blob : typeof data === 'string' ? blobOf(data, image.mime) : null
  if (picture) image.blob = picture
  // A picture that never came, or whose bytes are lost, is shown as not received.
  if (image.status === 'done' && !picture) image.status = 'failed'
  return image
}

function blobOf(base64: string, mime: ImageMime): Blob | null {
  const bytes = base64.length <= (imageRules.maxBytes * 4) / 3 + 4 ? fromBase64(base64) : null
  return bytes ? new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }) : null
}
