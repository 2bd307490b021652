// Helpers of the resume and cluster tests: who heard what, and a relay both ways.
import { expect } from 'vitest'
import { nextEvent, request, type Client } from './signaling.ts'

const offer = { type: 'offer', sdp: 'v=0\r\n' }
const answer = { type: 'answer', sdp: 'v=0\r\n' }

/** Records the name of every event the client receives from now on. */
export function record(client: Client): string[] {
  const seen: string[] = []
  client.onAny((event: string) => seen.push(event))
  return seen
}

/** An offer from a reaches b, and an answer from b reaches a. */
export async function relaysBothWays(a: Client, b: Client): Promise<void> {
  const atB = nextEvent(b, 'signal:relay')
  expect((await request(a, 'signal:relay', offer)).error).toBeNull()
  expect(await atB).toEqual(offer)
  const atA = nextEvent(a, 'signal:relay')
  expect((await request(b, 'signal:relay', answer)).error).toBeNull()
  expect(await atA).toEqual(answer)
}
