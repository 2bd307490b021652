// deploy/turnserver.conf run by a real coturn: Hush credentials accepted, forged ones and private peers refused.
import { connect as tlsConnect } from 'node:tls'
import { createHmac } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, tryAllocation } from '../../support/coturn.ts'
import { connectClient, startTestServer, type TestServer } from '../../support/signaling.ts'
import {
  waitForPort,
  repoFile,
  requireBinary,
  startChild,
  substitute,
  type Child,
  useWorkspace,
} from '../../support/self-hosting.ts'

const workspace = useWorkspace()

describe('coturn with deploy/turnserver.conf', () => {
  const shipped = repoFile('deploy/turnserver.conf')
  const secret = /^static-auth-secret=(.+)$/m.exec(shipped)?.[1] ?? ''
  let hush: TestServer
  const children: Child[] = []

  /** Starts turnserver from the shipped file with ports, addresses and paths swapped; extra flags last. */
  async function startTurn(extra: string[]) {
    const turnserver = requireBinary('turnserver')
    requireBinary('turnutils_uclient')
    const [port, tlsPort] = [await freePort(), await freePort()]
    const minPort = 30_000 + (port % 400) * 50
    const dir = join(workspace.dir, `coturn-${port}`)
    mkdirSync(dir)
    const file = join(dir, 'turnserver.conf')
    writeFileSync(
      file,
      substitute(shipped, [
        ['listening-port=3478', `listening-port=${port}`],
        ['tls-listening-port=443', `tls-listening-port=${tlsPort}`],
        ['external-ip=203.0.113.10', 'external-ip=127.0.0.1'],
        ['/etc/letsencrypt/live/turn.example.com/fullchain.pem', workspace.certPath],
        ['/etc/letsencrypt/live/turn.example.com/privkey.pem', workspace.keyPath],
        ['min-port=49152', `min-port=${minPort}`],
        ['max-port=65535', `max-port=${minPort + 49}`],
        ['\nsyslog\n', '\nlog-file=stdout\n'],
      ]),
    )
    // -L keeps every listener on loopback; the database and pid file go to the temp dir, not /var.
    const child = await startChild(
      turnserver,
      ['-c', file, '-L', '127.0.0.1', '--db', join(dir, 'turndb'), '--pidfile', join(dir, 'pid'), ...extra],
      { ready: /Total General servers/ },
    )
    children.push(child)
    // coturn skips lines it does not understand with only a log line: a typo would go unnoticed.
    expect(child.output()).not.toMatch(/Bad configuration format/)
    return { port, tlsPort, url: `turn:127.0.0.1:${port}` }
  }

  beforeAll(() => {
    expect(secret.length).toBeGreaterThanOrEqual(16)
  })
  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop()))
  })

  it('as shipped: accepts a Hush credential but refuses to relay to loopback (denied-peer-ip)', async () => {
    const turn = await startTurn([])
    hush = await startTestServer({ TURN_URLS: turn.url, TURN_SECRET: secret })
    const { welcome } = await connectClient(hush)
    const server = welcome.iceServers.find((entry) => entry.username !== undefined)
    const username = server?.username ?? ''
    expect(server?.credential).toBe(createHmac('sha1', secret).update(username).digest('base64'))
    const attempt = await tryAllocation(turn.port, username, server?.credential ?? '')
    expect(attempt.ok, attempt.output).toBe(false)
    expect(attempt.output).toMatch(/403 \(Forbidden IP\)/)
    expect(attempt.output).not.toMatch(/401/)
  })

  it('with loopback allowed for the test only: relays with a Hush credential, refuses a forged one', async () => {
    // The guide's file denies 127.0.0.0/8, and rightly so; the test's two peers both live on loopback.
    const turn = await startTurn(['--allow-loopback-peers', '--allowed-peer-ip=127.0.0.1'])
    hush = await startTestServer({ TURN_URLS: turn.url, TURN_SECRET: secret })
    const { welcome } = await connectClient(hush)
    const server = welcome.iceServers.find((entry) => entry.username !== undefined)
    const accepted = await tryAllocation(turn.port, server?.username ?? '', server?.credential ?? '')
    expect(accepted.ok, accepted.output).toBe(true)
    const forged = await tryAllocation(turn.port, `${Math.floor(Date.now() / 1000) + 600}:mallory`, 'Zm9yZ2Vk')
    expect(forged.ok, forged.output).toBe(false)
  })

  it('serves TURN over TLS on the tls-listening-port with the configured certificate', async () => {
    const turn = await startTurn([])
    // coturn logs "ready" before every listener is open: wait until the TLS port accepts.
    await waitForPort(turn.tlsPort)
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: turn.tlsPort, ca: workspace.certPem }, () => {
        resolve(socket.authorized)
        socket.end()
      })
      socket.once('error', reject)
    })
    expect(authorized).toBe(true)
  })
})
