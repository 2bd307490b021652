// Prometheus metrics (prom-client) on a registry of the server's own, so servers in one process don't collide.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { ErrorCode, Presence } from '#protocol'

export function createMetrics(
  readConnections: () => number,
  readPresence: () => Presence | Promise<Presence>,
  readActiveBans: () => number = () => 0,
) {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'hush_' })
  new Gauge({
    name: 'hush_connections',
    help: 'Sockets connected to this node',
    registers: [registry],
    collect() {
      this.set(readConnections())
    },
  })
  const presenceGauge = (name: string, help: string, pick: (presence: Presence) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        try {
          this.set(pick(await readPresence()))
        } catch {
          // The last value stays: a collect that throws fails the whole scrape (a 500 during an outage).
        }
      },
    })
  presenceGauge('hush_online', 'Users online (all nodes)', (p) => p.online)
  presenceGauge('hush_searching', 'Users waiting in the match queue (all nodes)', (p) => p.searching)
  presenceGauge('hush_chatting', 'Users in a chat (all nodes)', (p) => p.chatting)
  new Gauge({
    name: 'hush_bans_active',
    help: 'Addresses banned now (all nodes with Redis; counted at each ban here and every 15 s)',
    registers: [registry],
    collect() {
      this.set(readActiveBans())
    },
  })

  return {
    registry,
    matches: new Counter({ name: 'hush_matches_total', help: 'Pairs made', registers: [registry] }),
    matchWait: new Histogram({
      name: 'hush_match_wait_seconds',
      help: 'Time the waiting side of each pair spent in the queue, from its match:find to the pairing',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    relayedSignals: new Counter({
      name: 'hush_relayed_signals_total',
      help: 'Signals relayed to a partner',
      registers: [registry],
    }),
    relayedFrames: new Counter({
      name: 'hush_relay_frames_total',
      help: 'Sealed frames relayed to a partner (relay:frame)',
      registers: [registry],
    }),
    relayedBytes: new Counter({
      name: 'hush_relay_bytes_total',
      help: 'Bytes of the sealed frames relayed to a partner',
      registers: [registry],
    }),
    relayRefused: new Counter<'reason'>({
      name: 'hush_relay_refused_total',
      help: 'Frames not relayed, by reason (off, not-binary, too-big, frame-rate, byte-rate, not-paired)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    stunRequests: new Counter<'outcome'>({
      name: 'hush_stun_requests_total',
      help: 'UDP datagrams at the built-in STUN server: answered Binding requests, or dropped',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    resumes: new Counter<'outcome'>({
      name: 'hush_resumes_total',
      help: 'Sessions resumed, tokens that resumed nothing (unknown), graces that ran out (expired)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    reports: new Counter<'reason'>({
      name: 'hush_reports_total',
      help: 'Reports filed (verified and stored), by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    powRequired: new Counter({
      name: 'hush_pow_required_total',
      help: 'match:find requests answered pow-required',
      registers: [registry],
    }),
    rejected: new Counter<'code'>({
      name: 'hush_rejected_total',
      help: 'Requests and connections refused, by error code',
      labelNames: ['code'],
      registers: [registry],
    }),
    countRejection(code: ErrorCode) {
      this.rejected.inc({ code })
    },
  }
}

export type Metrics = ReturnType<typeof createMetrics>
