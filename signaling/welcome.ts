// What a connection is told first: who it is, how to reach its partner, the limits, and how to come back.
import type { Welcome } from '#protocol'
import type { Admitted } from './admission.ts'
import type { Config } from './config.ts'
import type { SessionData } from './session.ts'
import { iceServersFor, offersRelay } from './turn.ts'

/** `admitted`: what admission made of this connection (its token is in no other place). */
export function welcomeFor(config: Config, data: SessionData, admitted: Admitted | undefined, nowMs: number): Welcome {
  return {
    id: data.id,
    name: data.name,
    iceServers: iceServersFor(config, data.id, nowMs, data.stunUrl),
    relayOnly: offersRelay(config),
    relay: config.relay,
    limits: config.limits,
    resumed: Boolean(admitted?.resumed),
    ...(data.chatId !== null ? { chatId: data.chatId } : {}),
    // Last, as the protocol promises: a client may read it after everything else.
    resumeToken: admitted?.token ?? '',
  }
}
