// Client payloads are `unknown` until parsed here into fresh objects: nothing raw is ever relayed.
import { z } from 'zod'
import {
  reportLimits,
  type BlockRequest,
  type LeaveRequest,
  type Limits,
  type ReportRequest,
  type Signal,
} from '#protocol'
import { isLanguageCode, maxInterestChars, normalizeInterests } from '#protocol/interests.ts'
import { signaturePattern, signKeyPattern } from '#protocol/message-signature.ts'
import type { Search } from './store/store.ts'

const shortText = (max: number) => z.string().max(max)

/** A refused match:find, with what was wrong in words a developer can act on. */
export interface FindProblem {
  problem: string
}

/** A match:find as taken: the search for the store, and a proof-of-work solution when one came with it. */
export interface FindChoice {
  search: Search
  pow?: string
}

export function createValidators(limits: Limits) {
  const interestsRule = `at most ${limits.maxInterests} different interests of 1–${maxInterestChars} letters, digits, spaces, - or _`
  // Interests are checked after normalisation (protocol/interests.ts), the rest as sent.
  const findRequest = z
    .object({
      interests: z
        .array(z.string(), `interests must be an array of strings`)
        .transform((list, context) => {
          const tags = normalizeInterests(list, limits.maxInterests)
          if (tags === null) context.addIssue({ code: 'custom', message: `interests: ${interestsRule}` })
          return tags ?? []
        })
        .optional(),
      lang: z
        .string()
        .refine(isLanguageCode, 'lang must be an ISO 639-1 code of two lower-case letters, like "en"')
        .optional(),
      strict: z.boolean('strict must be true or false').optional(),
      signKey: z.string().regex(signKeyPattern, 'signKey must be standard base64 of 32 bytes').optional(),
      // A base64 ALTCHA payload (a challenge and its solution) is well under 2 KB.
      pow: z.string().max(4096, 'pow must be at most 4096 characters').optional(),
    })
    .optional()
    .transform((value = {}): FindChoice => ({
      search: {
        interests: value.interests ?? [],
        lang: value.lang ?? '',
        // Strict without interests could never match: it is a search for anyone (docs/protocol.md).
        strict: value.strict === true && (value.interests?.length ?? 0) > 0,
        signKey: value.signKey ?? '',
      },
      ...(value.pow === undefined ? {} : { pow: value.pow }),
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
    findRequest(input: unknown): FindChoice | FindProblem {
      const result = findRequest.safeParse(input)
      if (result.success) return result.data
      const problems = result.error.issues.map((issue) => issue.message).join('; ')
      return {
        problem: `match:find takes { interests?: string[], lang?: string, strict?: boolean, signKey?: string, pow?: string }: ${problems}`,
      }
    },
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
