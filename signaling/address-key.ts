// The key the per-address limits (MAX_CONN_PER_IP, CONNECT_RATE_PER_MIN) count a client under. An ISP
// hands each IPv6 customer a whole /64, so one key per IPv6 address would give everyone 2^64 quotas:
// IPv6 counts per /64, and an IPv4-mapped address (::ffff:a.b.c.d) as the IPv4 address it carries.
import { isIPv4, isIPv6 } from 'node:net'

/** `a.b.c.d` for IPv4, `x:x:x:x::/64` for IPv6; anything that is no address is counted as given. */
export function addressKey(address: string): string {
  const bare = withoutPortOrZone(address.trim())
  if (isIPv4(bare)) return bare
  if (!isIPv6(bare)) return address
  const groups = hextets(bare)
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6)
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.')
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`
}

// A proxy may append a port (`198.51.100.4:5678`, `[2001:db8::1]:443`), a link-local address a zone (`%eth0`).
function withoutPortOrZone(address: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address)
  const host = bracketed?.[1] ?? /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(address)?.[1] ?? address
  const zone = host.indexOf('%')
  return zone === -1 ? host : host.slice(0, zone)
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail as two groups). */
export function hextets(address: string): number[] {
  const toGroups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [parseInt(group, 16)]
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number)
          return [(a << 8) | b, (c << 8) | d]
        })
  const [head = '', tail] = address.split('::')
  const before = toGroups(head)
  if (tail === undefined) return before
  const after = toGroups(tail)
  return [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after]
}
