// Client payloads are `unknown` until parsed here into fresh objects: nothing raw is ever relayed.
import { z } from 'zod'
import type { FindRequest, LeaveRequest, Limits, Signal } from '#protocol'

const shortText = (max: number) => z.string().max(max)

export function createValidators(limits: Limits) {
  const findRequest = z
    .object({
      interests: z
        .array(shortText(32).regex(/^[\p{L}\p{N} _-]+$/u))
        .max(limits.maxInterests)
        .optional(),
    })
    .optional()
    .transform((value): FindRequest => (value?.interests ? { interests: value.interests } : {}))

  const leaveRequest = z.object({ reason: z.enum(['left', 'skipped']) })

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
    signal: (input: unknown): Signal | null => parseOrNull(signal, input) as Signal | null,
  }
}

export type Validators = ReturnType<typeof createValidators>

function parseOrNull<T>(schema: z.ZodType<T>, input: unknown): T | null {
  const result = schema.safeParse(input)
  return result.success ? result.data : null
}
