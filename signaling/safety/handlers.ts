// safety:report and safety:block: validate, find the reporter's side of the chat, check the window,
// verify the evidence, then store the report (banning at the threshold) or the block.
import { randomUUID } from 'node:crypto'
import type { SafetyConfig } from '../config.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../metrics.ts'
import type { Handler, Outcome, SessionSocket } from '../session-types.ts'
import type { Validators } from '../validation.ts'
import type { BlockWriter } from './blocks.ts'
import type { ChatRecord, ChatRecords, ChatSide } from './chat-records.ts'
import { verifyEvidence } from './evidence.ts'
import type { ReportStore } from './report-store.ts'

export interface HandlerDeps {
  config: SafetyConfig
  validators: Validators
  records: ChatRecords
  reports: ReportStore
  writeBlock: BlockWriter
  metrics: Metrics
  logger: Logger
  now(): number
  /** The address reached the threshold: ban it (unless banned already). */
  reachedThreshold(addressHash: string): Promise<void>
}

type Refusal = Extract<Outcome, { error: unknown }>

const refuse = (error: Refusal['error'], message: string, expected = false): Refusal => ({
  error,
  message,
  ...(expected ? { expected } : {}),
})

/** The requester's side of the chat: by user id, else by address when exactly one side had it (after a reconnect). */
function sideOf(record: ChatRecord, socket: SessionSocket): 0 | 1 | null {
  const { id, addressHash } = socket.data
  if (record.sides[0].user === id) return 0
  if (record.sides[1].user === id) return 1
  const [a, b] = record.sides.map((side) => side.hash !== '' && side.hash === addressHash)
  return a && !b ? 0 : b && !a ? 1 : null
}

interface Chat {
  record: ChatRecord
  side: 0 | 1
  partner: ChatSide
}

export function createSafetyHandlers(deps: HandlerDeps): { report: Handler; block: Handler } {
  const { config, validators, records, reports, metrics, now } = deps
  const windowMs = config.reportWindowS * 1000

  /** The chat and the requester's side in it, or the refusal. */
  async function chatOf(socket: SessionSocket, chatId: string, nowMs: number): Promise<Refusal | Chat> {
    const record = await records.get(chatId, nowMs)
    const side = record && sideOf(record, socket)
    // One answer for an unknown chat and someone else's: nobody learns which chats exist.
    if (!record || side === null || side === undefined) return refuse('not-paired', 'you were not in that chat')
    if (record.endedAtMs !== null && nowMs > record.endedAtMs + windowMs) {
      return refuse(
        'too-late',
        `a chat can be reported or blocked up to ${config.reportWindowS} s after it ended`,
        true,
      )
    }
    return { record, side, partner: record.sides[side === 0 ? 1 : 0] }
  }

  return {
    async report(socket, payload) {
      const request = validators.reportRequest(payload)
      if (request === null) {
        return refuse('bad-payload', 'safety:report takes { chatId, reason, note?, evidence: 1–20 signed messages }')
      }
      const nowMs = now()
      const chat = await chatOf(socket, request.chatId, nowMs)
      if ('error' in chat) return chat
      if (!verifyEvidence(request.chatId, chat.partner.signKey, request.evidence)) {
        return refuse('bad-evidence', 'a message is not signed by your partner in that chat; nothing was reported')
      }
      const reporter = chat.record.sides[chat.side].hash
      const outcome = await reports.file(
        {
          report: {
            id: randomUUID(),
            at: nowMs,
            reason: request.reason,
            note: request.note ?? '',
            evidence: request.evidence,
            reported: chat.partner.hash,
            chatId: request.chatId,
            signKey: chat.partner.signKey,
          },
          onceKey: `${request.chatId}:${chat.side}`,
          reporter,
        },
        nowMs,
      )
      if (outcome.kind === 'duplicate') return refuse('rate-limited', 'you reported this chat already', true)
      if (outcome.kind === 'capped') return refuse('rate-limited', `at most ${config.reportsPerHour} reports an hour`)
      metrics.reports.inc({ reason: request.reason })
      deps.logger.info({ reason: request.reason }, 'report filed')
      if (outcome.reporters >= config.banThreshold && chat.partner.hash !== '') {
        await deps.reachedThreshold(chat.partner.hash)
      }
      return { data: undefined }
    },

    async block(socket, payload) {
      const request = validators.blockRequest(payload)
      if (request === null) return refuse('bad-payload', 'safety:block takes { chatId }')
      const nowMs = now()
      const chat = await chatOf(socket, request.chatId, nowMs)
      if ('error' in chat) return chat
      const own = chat.record.sides[chat.side].hash
      // Two people behind one address (a campus NAT) cannot be kept apart by address without keeping that
      // whole address apart from itself: no block is kept then (the skip and the no-rematch rule still hold).
      if (own !== chat.partner.hash)
        await deps.writeBlock(own, chat.partner.hash, nowMs + config.blockTtlS * 1000, nowMs)
      return { data: undefined }
    },
  }
}
