// Lets the bench orchestrator ask a forked server for its port, memory and CPU over IPC.
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export type ServerQuery = { cmd: 'stats' }
export interface ServerStats {
  rss: number
  heapUsed: number
  heapTotal: number
  external: number
  arrayBuffers: number
  cpuUserMicros: number
  cpuSystemMicros: number
}

export function serveBenchIpc(http: Server): void {
  const gc = (globalThis as { gc?: () => void }).gc
  process.send?.({ ready: (http.address() as AddressInfo).port })
  // A clean exit lets --cpu-prof write its profile.
  process.once('SIGTERM', () => process.exit(0))
  // An interrupted orchestrator leaves no server behind.
  process.once('disconnect', () => process.exit(0))
  process.on('message', (message: ServerQuery) => {
    if (message.cmd !== 'stats') return
    gc?.()
    const memory = process.memoryUsage()
    const cpu = process.cpuUsage()
    const stats: ServerStats = {
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      cpuUserMicros: cpu.user,
      cpuSystemMicros: cpu.system,
    }
    process.send?.({ stats })
  })
}
