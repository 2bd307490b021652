// Packet filtering inside the browser suite's own network namespace (tests/e2e/run.sh): a test can make
// the network refuse what a peer connection needs, as strict corporate or mobile networks do.
import { execFileSync } from 'node:child_process'

const table = 'hush_test'

function nft(script: string): void {
  execFileSync('nft', ['-f', '-'], { input: script })
}

/**
 * Drops all UDP and every TCP connection that does not involve `serverPort`: no peer connection can be
 * made (ICE over UDP or TCP), while the pages still reach the signaling server.
 */
export function blockPeerTraffic(serverPort: number): void {
  if (process.env.HUSH_IN_NETNS !== '1')
    throw new Error('packet filtering needs the private namespace: npm run test:e2e as root')
  nft(`table inet ${table} {
  chain output {
    type filter hook output priority 0; policy accept;
    meta l4proto udp drop
    tcp dport ${serverPort} accept
    tcp sport ${serverPort} accept
    meta l4proto tcp drop
  }
}`)
}

export function unblockPeerTraffic(): void {
  try {
    execFileSync('nft', ['delete', 'table', 'inet', table], { stdio: 'ignore' })
  } catch {
    // Not there: nothing to lift.
  }
}
