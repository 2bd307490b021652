// Client payloads are `unknown` until parsed here into fresh objects: nothing raw is ever relayed.
import { z } from 'zod'
import {
  reportLimits,
  type BlockRequest,
  type FindRequest,
  type LeaveRequest,
  type Limits,
  type ReportRequest,
  type Signal,
} from '#protocol'
import { signaturePattern, signKeyPattern } from './safety/evidence.ts'

const shortText = (max: number) => z.string().max(max)

export function createValidators(limits: Limits) {
  const findRequest = z
    .object({
      interests: z
        .array(shortText(32).regex(/^[\p{L}\p{N} _-]+$/u))
        .max(limits.maxInterests)
        .optional(),
      signKey: z.string().regex(signKeyPattern).optional(),
      // A base64 ALTCHA payload (a challenge and its solution) is well under 2 KB.
      pow: z.string().max(4096).optional(),
    })
    .optional()
    .transform((value): FindRequest => ({
      ...(value?.interests ? { interests: value.interests } : {}),
      ...(value?.signKey ? { signKey: value.signKey } : {}),
      ...(value?.pow ? { pow: value.pow } : {}),
    }))

  const leaveRequest = z.object({ reason: z.enum(['left', 'skipped']) })

  const chatId = z.string().min(1).max(64)
  const evidence = z.object({
    id: z.string().min(1).max(128),
    sentAt: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    // Characters as the app counts them (code points) take up to two UTF-16 units each.
    text: z.string().max(limits.maxMessageChars * 2),
    sig: z.string().regex(signaturePattern),
  })
  const reportRequest = z.object({
    chatId,
    reason: z.enum(['spam', 'sexual', 'harassment', 'minor', 'other']),
    note: z.string().max(reportLimits.maxNoteChars).optional(),
    evidence: z.array(evidence).min(1).max(reportLimits.maxEvidence),
  })
  const blockRequest = z.object({ chatId })

  const sessionDescription = z.object({
    type: z.enum(['offer', 'answer']),
    sdp: z.string().min(1).max(limits.maxSignalBytes),
  })
  const candidate = z.object({
    type: z.literal('candidate'),
    candidate: z.object({
      candidate: shortText(1024),
      sdpMid: shortText(64).nullable().optional(),
      sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
      usernameFragment: shortText(256).nullable().optional(),
    }),
  })
  const renegotiate = z.object({ type: z.literal('renegotiate'), renegotiate: z.literal(true) })
  const signal = z.discriminatedUnion('type', [sessionDescription, candidate, renegotiate])

  return {
    findRequest: (input: unknown): FindRequest | null => parseOrNull(findRequest, input),
    leaveRequest: (input: unknown): LeaveRequest | null => parseOrNull(leaveRequest, input),
    reportRequest: (input: unknown): ReportRequest | null => parseOrNull(reportRequest, input),
    blockRequest: (input: unknown): BlockRequest | null => parseOrNull(blockRequest, input),
    signal: (input: unknown): Signal | null => parseOrNull(signal, input) as Signal | null,
  }
}

export type Validators = ReturnType<typeof createValidators>

function parseOrNull<T>(schema: z.ZodType<T>, input: unknown): T | null {
  const result = schema.safeParse(input)
  return result.success ? result.data : null
}
