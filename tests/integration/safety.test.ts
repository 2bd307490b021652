// Reports, bans, blocks and proof of work over real sockets, from distinct client addresses (X-Forwarded-For
// behind TRUST_PROXY). The integration-redis project runs this file again with every server on Redis.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { io as connect } from 'socket.io-client'
import { solveChallenge } from 'altcha-lib'
import { deriveKey } from 'altcha-lib/algorithms/web/pbkdf2'
import type { PowChallenge, ProtocolError } from '#protocol'
import { ConfigError, loadConfig } from '../../signaling/config.ts'
import { closeAll, metric, nextEvent, quiet, request, startTestServer } from '../support/signaling.ts'
import { admin, adminToken, chat, connectFrom, report, storedReports } from '../support/safety.ts'
import { pause, until } from '../support/timing.ts'

afterEach(closeAll)

const safetyEnv = { TRUST_PROXY: '1', ADMIN_TOKEN: adminToken }
const start = (env: Record<string, string> = {}) => startTestServer({ ...safetyEnv, ...env })

describe('reports', () => {
  it('accepts a report of signed messages and shows it to the operator with no address in it', async () => {
    const server = await start()
    const [a, b] = await Promise.all([connectFrom(server, '198.51.100.1'), connectFrom(server, '198.51.100.2')])
    const found = nextEvent(a, 'match:found')
    const chatId = await chat(a, b)
    expect((await found).partner.signKey).toBe(b.signer.signKey)
    const evidence = [b.signer.message(chatId, 'hi'), b.signer.message(chatId, 'ünïcode ✓ 🙂')]
    expect((await report(a, chatId, evidence)).error).toBeNull()
    const reports = await storedReports(server)
    expect(reports).toHaveLength(1)
    expect(reports[0]).toMatchObject({
      reason: 'harassment',
      note: '',
      evidence,
      reporters: 1,
      chatId,
      signKey: b.signer.signKey,
    })
    expect(reports[0]?.reported).toMatch(/^[0-9a-f]{32}$/)
    const listing = (await admin(server, '/admin/reports')).text
    for (const ip of ['198.51.100.1', '198.51.100.2']) expect(listing).not.toContain(ip)
    expect(await metric(server, 'hush_reports_total{reason="harassment"}')).toBe(1)
  })

  it('refuses altered text, a foreign key, a stranger to the chat, a second report and a late one, storing nothing', async () => {
    const server = await start({ REPORT_WINDOW_S: '1' })
    const [a, b, c] = [
      await connectFrom(server, '203.0.113.1'),
      await connectFrom(server, '203.0.113.2'),
      await connectFrom(server, '203.0.113.3'),
    ]
    const chatId = await chat(a, b)
    const genuine = b.signer.message(chatId, 'the real text')
    const code = async (...args: Parameters<typeof report>) => (await report(...args)).error?.code
    expect(await code(a, chatId, [genuine, { ...b.signer.message(chatId, 'x'), text: 'altered' }])).toBe('bad-evidence')
    expect(await code(a, chatId, [c.signer.message(chatId, 'signed by someone else')])).toBe('bad-evidence')
    expect(await code(a, chatId, [{ ...genuine, sentAt: genuine.sentAt + 1 }])).toBe('bad-evidence')
    expect(await code(c, chatId, [genuine])).toBe('not-paired')
    expect(await code(a, 'no-such-chat', [genuine])).toBe('not-paired')
    expect(await storedReports(server)).toEqual([])

    expect(await code(a, chatId, [genuine])).toBeUndefined()
    expect(await code(a, chatId, [genuine])).toBe('rate-limited')
    expect((await request(a, 'match:leave', { reason: 'left' })).error).toBeNull()
    await pause(1100) // the whole report window
    expect(await code(b, chatId, [a.signer.message(chatId, 'too late')])).toBe('too-late')
    expect((await request(b, 'safety:block', { chatId })).error?.code).toBe('too-late')
    expect(await storedReports(server)).toHaveLength(1)
  })

  it('bans an address at three distinct reporters: its socket is closed, it cannot come back, others can', async () => {
    const server = await start()
    // With Redis the banned socket sits on another node: the ban reaches it through the cluster.
    const other = server.config.redisUrl ? await start() : server
    const target = await connectFrom(other, '192.0.2.66')
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
      const reporter = await connectFrom(server, ip)
      const chatId = await chat(reporter, target)
      const told = ip === '192.0.2.3' ? nextEvent(target, 'session:error') : null
      expect((await report(reporter, chatId, [target.signer.message(chatId, 'abuse')])).error).toBeNull()
      if (told) {
        const error = await told
        expect(error.code).toBe('banned')
        expect((error.data as { until: number }).until).toBeGreaterThan(Date.now() + 86_000_000)
        break
      }
      expect((await request(target, 'match:leave', { reason: 'skipped' })).error).toBeNull()
    }
    expect(await until(() => target.disconnected)).toBe(true)
    const refusal = await refusedWith(other.url, '192.0.2.66')
    expect(refusal).toMatchObject({ code: 'banned', data: { until: expect.any(Number) as number } })
    expect((await connectFrom(server, '192.0.2.67')).connected).toBe(true)
    const bans = (await admin(server, '/admin/bans')).json as { bans: Array<{ key: string; until: number }> }
    expect(bans.bans).toHaveLength(1)
    expect(await metric(server, 'hush_bans_active')).toBe(1)
    expect((await storedReports(server))[0]?.reporters).toBe(3)
  })

  it('caps a flood of reports from one address', async () => {
    const server = await start({ REPORT_MAX_PER_HOUR: '1' })
    const reporter = await connectFrom(server, '198.51.100.10')
    const [b1, b2] = await Promise.all([connectFrom(server, '198.51.100.11'), connectFrom(server, '198.51.100.12')])
    const first = await chat(reporter, b1)
    expect((await report(reporter, first, [b1.signer.message(first, 'x')])).error).toBeNull()
    await request(reporter, 'match:leave', { reason: 'skipped' })
    const second = await chat(reporter, b2)
    expect((await report(reporter, second, [b2.signer.message(second, 'y')])).error?.code).toBe('rate-limited')
    // The per-socket bucket holds a burst of 5: a flood of requests is refused before anything is read.
    const flood = await Promise.all(Array.from({ length: 8 }, () => report(reporter, second, [])))
    expect(flood.filter((answer) => answer.error?.code === 'rate-limited').length).toBeGreaterThan(0)
    expect(await storedReports(server)).toHaveLength(1)
  })

  it('refuses a forged signKey at match:find', async () => {
    const server = await start()
    const a = await connectFrom(server, '198.51.100.20')
    const valid = a.signer.signKey
    for (const signKey of [valid.slice(0, -4), `${valid.slice(0, -2)}!=`, Buffer.alloc(33).toString('base64'), 42]) {
      expect((await request(a, 'match:find', { signKey })).error?.code).toBe('bad-payload')
    }
    expect((await request(a, 'match:find', { signKey: valid })).error).toBeNull()
  })
})

describe('blocks', () => {
  it('keeps two people apart across reconnects (and nodes) while they are the only two searching', async () => {
    const server = await start()
    const other = server.config.redisUrl ? await start() : server
    let [a, b] = await Promise.all([connectFrom(server, '203.0.113.21'), connectFrom(other, '203.0.113.22')])
    const chatId = await chat(a, b)
    expect((await request(a, 'safety:block', { chatId })).error).toBeNull()
    await request(a, 'match:leave', { reason: 'left' })
    for (let round = 0; round < 2; round++) {
      const found = quiet(a, 'match:found', 300)
      expect((await request(a, 'match:find', {})).error).toBeNull()
      expect((await request(b, 'match:find', {})).error).toBeNull()
      expect(await found).toBe(true)
      a.disconnect()
      b.disconnect()
      ;[a, b] = await Promise.all([connectFrom(other, '203.0.113.21'), connectFrom(server, '203.0.113.22')])
    }
    const c = await connectFrom(server, '203.0.113.23')
    await request(a, 'match:find', {})
    await request(b, 'match:find', {})
    const atC = nextEvent(c, 'match:found')
    await request(c, 'match:find', {})
    expect((await atC).partner.name).toBe(a.welcome.name)
  })

  it('keeps no block between two people behind one address: it would keep that address from itself', async () => {
    const server = await start()
    const shared = '203.0.113.31'
    const [a, b, c] = await Promise.all([
      connectFrom(server, shared),
      connectFrom(server, shared),
      connectFrom(server, shared),
    ])
    const chatId = await chat(a, b)
    expect((await request(a, 'safety:block', { chatId })).error).toBeNull()
    await request(a, 'match:leave', { reason: 'left' })
    // a's next partner shares the address: paired at once.
    const found = nextEvent(c, 'match:found')
    await request(a, 'match:find', {})
    await request(c, 'match:find', {})
    expect((await found).partner.name).toBe(a.welcome.name)
  })
})

describe('proof of work', () => {
  const solved = async (challenge: PowChallenge) => {
    const solution = await solveChallenge({ challenge, deriveKey })
    return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64')
  }

  it('is required with POW=always, accepts a solution once (on any node), and counts', async () => {
    const env = { POW: 'always', POW_COST: '20' }
    const server = await start(env)
    const other = server.config.redisUrl ? await start(env) : server
    const [a, b] = await Promise.all([connectFrom(server, '192.0.2.101'), connectFrom(other, '192.0.2.102')])
    const asked = await request(a, 'match:find', {})
    expect(asked.error?.code).toBe('pow-required')
    const pow = await solved((asked.error as ProtocolError & { data: { challenge: PowChallenge } }).data.challenge)
    expect((await request(a, 'match:find', { pow })).data).toEqual({ status: 'queued' })
    const replayed = await request(b, 'match:find', { pow })
    expect(replayed.error).toMatchObject({ code: 'pow-required', message: expect.stringContaining('used') as string })
    expect((await request(b, 'match:find', { pow: 'bm90IGpzb24=' })).error?.code).toBe('pow-required')
    expect(await metric(server, 'hush_pow_required_total')).toBeGreaterThanOrEqual(1)
  })

  it('is required (POW=auto) from an address just rate-limited, and from nobody else', async () => {
    const server = await start({ POW: 'auto', POW_COST: '20', MATCH_RATE_BURST: '2', MATCH_RATE_PER_S: '20' })
    const [a, b] = await Promise.all([connectFrom(server, '192.0.2.111'), connectFrom(server, '192.0.2.112')])
    const cancels = await Promise.all([1, 2, 3].map(() => request(a, 'match:cancel')))
    expect(cancels.map((answer) => answer.error?.code)).toContain('rate-limited')
    await pause(150) // a token back in the bucket
    const asked = await request(a, 'match:find', {})
    expect(asked.error?.code).toBe('pow-required')
    expect((await request(b, 'match:find', {})).data).toEqual({ status: 'queued' })
    const pow = await solved((asked.error as ProtocolError & { data: { challenge: PowChallenge } }).data.challenge)
    expect((await request(a, 'match:find', { pow })).data).toEqual({ status: 'matched' })
  })
})

describe('operator API', () => {
  it('refuses a missing or wrong token with 401 and no detail, and does not exist without ADMIN_TOKEN', async () => {
    const server = await start()
    for (const token of ['', 'wrong-token', `${adminToken}x`]) {
      const answer = await admin(server, '/admin/reports', {}, token)
      expect(answer.status).toBe(401)
      expect(answer.text).toBe('')
    }
    expect((await admin(server, '/admin/anything')).status).toBe(401)
    const bare = await startTestServer()
    expect((await admin(bare, '/admin/reports')).status).toBe(404)
    expect(() => loadConfig({ ADMIN_TOKEN: 'too-short' })).toThrow(ConfigError)
  })

  it('bans and unbans by key, and `npm run admin` does the same against a live server', async () => {
    const server = await start()
    const key = 'a'.repeat(32)
    const run = async (...args: string[]) =>
      JSON.parse(
        (
          await promisify(execFile)('npm', ['run', '--silent', 'admin', '--', ...args], {
            env: { ...process.env, HUSH_URL: server.url, ADMIN_TOKEN: adminToken },
          })
        ).stdout,
      ) as Record<string, unknown>
    expect(await run('ban', key, '60')).toMatchObject({ key, until: expect.any(Number) as number })
    expect(await run('bans')).toMatchObject({ bans: [{ key }] })
    expect(await run('reports')).toEqual({ reports: [] })
    expect(await run('unban', key)).toEqual({ key, removed: true })
    expect((await admin(server, '/admin/bans')).json).toEqual({ bans: [] })
    expect((await admin(server, '/admin/bans', { method: 'POST', body: '{"key":"10.0.0.1","ttlS":5}' })).status).toBe(
      400,
    )
  })
})

/** Connects from an address and resolves with the connect_error's data (throws if let in). */
function refusedWith(url: string, address: string): Promise<unknown> {
  const socket = connect(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: { 'x-forwarded-for': address },
  })
  return new Promise((resolve, reject) => {
    socket.once('connect_error', (error: Error & { data?: unknown }) => resolve(error.data))
    socket.once('connect', () => {
      socket.close()
      reject(new Error('let in'))
    })
  })
}
