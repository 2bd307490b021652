// Hush's real signaling server, forked by bench:signaling with an IPC channel for stats.
import { loadConfig } from '../../signaling/config.ts'
import { createSignalingServer } from '../../signaling/server.ts'
import { serveBenchIpc } from './server-ipc.ts'

const server = createSignalingServer(loadConfig())
await server.listen()
serveBenchIpc(server.http)
