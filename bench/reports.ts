// bench:reports — the server's CPU per verified report (10 signed messages each), through the verifier alone
// and through real sockets into an in-process server (memory store); and proof of work: the server's cost to
// make and check a challenge, and the solve time at several POW_COST values with the browser's solver
// (altcha-lib's solveChallenge with WebCrypto PBKDF2, one thread, here in Node). Prints one JSON document.
import { cpus } from 'node:os'
import { solveChallenge } from 'altcha-lib'
import { deriveKey as webDeriveKey } from 'altcha-lib/algorithms/web/pbkdf2'
import type { PowChallenge } from '#protocol'
import { loadConfig } from '../signaling/config.ts'
import { verifyEvidence } from '../signaling/safety/evidence.ts'
import { createPowGate, memoryProofClaims } from '../signaling/safety/pow.ts'
import { chat, connectFrom, newSigner, report } from '../tests/support/safety.ts'
import { closeAll, startTestServer } from '../tests/support/signaling.ts'

const args = new Map(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]))
const reports = Number(args.get('reports') ?? 2000)
const socketReports = Number(args.get('socket-reports') ?? 200)
const costs = (args.get('costs') ?? '500,2000,8000').split(',').map(Number)
const solves = Number(args.get('solves') ?? 10)
const items = 10

const cpuMicros = () => {
  const { user, system } = process.cpuUsage()
  return user + system
}
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits

function verifierOnly() {
  const signer = newSigner()
  const evidence = Array.from({ length: items }, (_, i) => signer.message('chat', `message ${i} `.repeat(20)))
  const before = cpuMicros()
  for (let i = 0; i < reports; i++) if (!verifyEvidence('chat', signer.signKey, evidence)) throw new Error('refused')
  return { reports, itemsPerReport: items, cpuMicrosPerReport: round((cpuMicros() - before) / reports) }
}

async function throughSockets() {
  const server = await startTestServer({ REPORT_MAX_PER_HOUR: '1000000', TRUST_PROXY: '1' })
  const people = await Promise.all(
    Array.from({ length: socketReports * 2 }, (_, i) => connectFrom(server, `10.1.${i >> 8}.${i & 255}`)),
  )
  const chats: Array<[(typeof people)[number], (typeof people)[number], string]> = []
  for (let i = 0; i < people.length; i += 2) {
    const [a, b] = [people[i]!, people[i + 1]!]
    chats.push([a, b, await chat(a, b)])
  }
  const evidence = chats.map(([, b, chatId]) =>
    Array.from({ length: items }, (_, i) => b.signer.message(chatId, `m${i} `.repeat(20))),
  )
  const before = cpuMicros()
  const started = performance.now()
  const answers = await Promise.all(chats.map(([a, , chatId], i) => report(a, chatId, evidence[i]!)))
  const cpu = cpuMicros() - before
  const wallMs = performance.now() - started
  await closeAll()
  if (answers.some((answer) => answer.error)) throw new Error('a report was refused')
  return {
    reports: socketReports,
    itemsPerReport: items,
    // Clients and server share this process: an upper bound for the server's share.
    processCpuMicrosPerReport: round(cpu / socketReports),
    wallMs: round(wallMs),
  }
}

async function proofOfWork() {
  const config = loadConfig({}).safety
  const results = []
  for (const powCost of costs) {
    const gate = createPowGate(
      { ...config, powCost },
      { challenge: 'a'.repeat(64), key: 'b'.repeat(64) },
      memoryProofClaims(),
    )
    const solveMs: number[] = []
    let makeCpu = 0
    let checkCpu = 0
    for (let i = 0; i < solves; i++) {
      let before = cpuMicros()
      const challenge: PowChallenge = await gate.challenge(Date.now())
      makeCpu += cpuMicros() - before
      const started = performance.now()
      const solution = await solveChallenge({ challenge: challenge as never, deriveKey: webDeriveKey })
      solveMs.push(performance.now() - started)
      before = cpuMicros()
      const refusal = await gate.refusal(
        Buffer.from(JSON.stringify({ challenge, solution })).toString('base64'),
        Date.now(),
      )
      checkCpu += cpuMicros() - before
      if (refusal !== null) throw new Error(refusal)
    }
    solveMs.sort((a, b) => a - b)
    results.push({
      powCost,
      solveMsMean: round(solveMs.reduce((sum, ms) => sum + ms, 0) / solves),
      solveMsMin: round(solveMs[0] ?? 0),
      solveMsMax: round(solveMs[solveMs.length - 1] ?? 0),
      serverMakeCpuMicros: round(makeCpu / solves),
      serverCheckCpuMicros: round(checkCpu / solves),
    })
  }
  return { solves, solver: 'altcha-lib solveChallenge + algorithms/web/pbkdf2 (WebCrypto), one thread, Node', results }
}

const result = {
  bench: 'reports',
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  verifier: verifierOnly(),
  sockets: await throughSockets(),
  pow: await proofOfWork(),
}
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
process.exit(0)
