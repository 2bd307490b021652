// bench:pubsub-cost — what one cross-node relay costs Redis and the nodes, classic against sharded
// pub/sub, as socket.io's Redis adapters use them: the classic adapter's nodes each hold a pattern
// subscription and hear every publish; with the sharded one only the receiver's node holds the
// (per-socket) channel. Also the cost of replacing a relay channel (SUNSUBSCRIBE + SSUBSCRIBE)
// while many are held. Prints one JSON document.
// Run: node --import tsx bench/pubsub-cost.ts [--nodes=2,3,10] [--messages=10000] [--channels=20000]
import { Redis } from 'ioredis'
import { decode, encode } from 'notepack.io'
import { startRedis, type TestRedis } from '../tests/support/redis.ts'
import { round } from './lib/stats.ts'

const args = new Map(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]))
const nodeCounts = (args.get('nodes') ?? '2,3,10').split(',').map(Number)
// 10,000 × 1.25 KB stays under Redis's 32 MB pub/sub output buffer: more, sent at once, gets subscribers dropped.
const messages = Number(args.get('messages') ?? 10_000)
const heldChannels = Number(args.get('channels') ?? 20_000)
const payload = encode(['uid', { type: 2, data: ['signal:relay', { type: 'offer', sdp: 'x'.repeat(1200) }] }])

async function redisCpuMicros(redis: TestRedis): Promise<number> {
  const info = await redis.client.info('cpu')
  const read = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0)
  return (read('used_cpu_user') + read('used_cpu_sys')) * 1e6
}

/** Redis CPU per message while `send` publishes `messages` of them and the subscribers read them all. */
async function perMessage(redis: TestRedis, subscribers: Redis[], send: (publisher: Redis) => void) {
  let received = 0
  const expected = messages * subscribers.length
  const allIn = new Promise<void>((resolve) => {
    const count = () => {
      if (++received === expected) resolve()
    }
    for (const sub of subscribers) {
      sub.on('pmessageBuffer', count)
      sub.on('smessageBuffer', count)
    }
  })
  const publisher = new Redis(redis.url, { enableAutoPipelining: true })
  const before = await redisCpuMicros(redis)
  for (let i = 0; i < messages; i++) send(publisher)
  await allIn
  const micros = (await redisCpuMicros(redis)) - before
  publisher.disconnect()
  return round(micros / messages, 2)
}

const redis = await startRedis()
const report: Record<string, unknown> = { benchmark: 'pubsub-cost', messages, messageBytes: payload.length }
try {
  // Node side: what every classic-adapter node does with each publish it hears (decode, then drop it if the room is not here).
  const decodeStart = process.cpuUsage()
  for (let i = 0; i < messages; i++) decode(payload)
  const decodeCpu = process.cpuUsage(decodeStart)
  report.nodeDecodeMicrosPerMessage = round((decodeCpu.user + decodeCpu.system) / messages, 2)

  const classic: Record<string, number> = {}
  const sharded: Record<string, number> = {}
  for (const nodes of nodeCounts) {
    const subs = Array.from({ length: nodes }, () => new Redis(redis.url))
    await Promise.all(subs.map((sub) => sub.psubscribe('hush-io#/#*')))
    classic[`${nodes} nodes`] = await perMessage(redis, subs, (p) => void p.publish('hush-io#/#r:x#', payload))
    subs.forEach((sub) => sub.disconnect())
  }
  // Sharded: one receiving node, holding `heldChannels` relay channels as a loaded node would.
  const receiver = new Redis(redis.url)
  const channels = Array.from({ length: heldChannels }, (_, i) => `hush-io#/#r:${i}#`)
  for (let i = 0; i < channels.length; i += 1000) await receiver.ssubscribe(...channels.slice(i, i + 1000))
  sharded['any number of nodes'] = await perMessage(redis, [receiver], (p) => void p.spublish(channels[7]!, payload))
  report.redisMicrosPerRelay = { classic, sharded }

  // A relay room replaced after a chat with a remote partner: SUNSUBSCRIBE + SSUBSCRIBE.
  const rounds = 20_000
  const before = await redisCpuMicros(redis)
  for (let i = 0; i < rounds; i++) {
    void receiver.sunsubscribe(channels[i % channels.length]!)
    void receiver.ssubscribe(`hush-io#/#r:new${i}#`)
  }
  await receiver.ping()
  report.redisMicrosPerRoomReplaced = round(((await redisCpuMicros(redis)) - before) / rounds, 2)
  receiver.disconnect()
} finally {
  await redis.stop()
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
process.exit(0)
