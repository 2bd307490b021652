// Reports and blocks, as the person sends them to the server: during a chat, on its ended screen, or
// from History within the window after it. The answer is worded for people, whatever it is.
import type { Evidence, Limits, ProtocolError, ReportRequest } from '#protocol'
import type { StoredMessage } from '../history/record.ts'
import type { SignalingSocket } from '../matchmaking/signaling.ts'
import { safetyRefusalText } from '../wording.ts'

/** At most this many messages go with a report; the last few are picked for the person to review. */
export const maxEvidence = 20
export const preselectedEvidence = 10
export const maxNoteChars = 500
const answerTimeoutMs = 10_000

export type SafetyOutcome = { ok: true } | { ok: false; text: string }

/** Whether a chat (by its end; null while it goes on) can still be reported or blocked (`limits.reportWindowS`). */
export const withinWindow = (endedAt: number | null, windowS: number, now = Date.now()): boolean =>
  endedAt === null || now - endedAt < windowS * 1000

/** The partner's messages that can prove themselves: they carry the stranger's signature. */
export const reportable = (messages: readonly StoredMessage[]): StoredMessage[] =>
  messages.filter((message) => message.from === 'them' && message.proof !== undefined)

/** A message as the stranger signed it (the text as signed, not as tidied for the screen). */
export function evidenceOf(message: StoredMessage): Evidence | null {
  const { proof } = message
  return proof ? { id: message.id, sentAt: proof.sentAt, text: proof.text ?? message.text, sig: proof.sig } : null
}

export class Safety {
  readonly #socket: SignalingSocket
  readonly #limits: () => Limits

  constructor(socket: SignalingSocket, limits: () => Limits) {
    this.#socket = socket
    this.#limits = limits
  }

  /** Whether a chat can still be reported or blocked, by the window of the server in force. */
  open(endedAt: number | null): boolean {
    return withinWindow(endedAt, this.#limits().reportWindowS)
  }

  report(request: ReportRequest): Promise<SafetyOutcome> {
    return this.#ask((answer) => this.#socket.timeout(answerTimeoutMs).emit('safety:report', request, answer))
  }

  /** Never meet this stranger again (the server keeps the two networks apart). */
  block(chatId: string): Promise<SafetyOutcome> {
    return this.#ask((answer) => this.#socket.timeout(answerTimeoutMs).emit('safety:block', { chatId }, answer))
  }

  #ask(send: (answer: (timedOut: Error | null, error: ProtocolError | null) => void) => void): Promise<SafetyOutcome> {
    if (!this.#socket.connected) return Promise.resolve({ ok: false, text: safetyRefusalText('offline') })
    return new Promise((settle) =>
      send((timedOut, error) => {
        if (timedOut) return settle({ ok: false, text: safetyRefusalText('no-answer') })
        settle(error ? { ok: false, text: safetyRefusalText(error.code) } : { ok: true })
      }),
    )
  }
}
