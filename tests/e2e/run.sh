#!/usr/bin/env bash
# Browser suite: builds the app, then runs the Playwright tests inside a private network namespace
# of its own (loopback and a veth pair inside it), so no test packet can leave this machine (docs/testing.md).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${HUSH_IN_NETNS:-}" != "1" ] && [ "$(id -u)" = "0" ] && command -v unshare >/dev/null; then
  npm run build --silent
  export HUSH_IN_NETNS=1
  # Besides lo, a veth pair with both ends inside: Firefox gathers no loopback candidates, and none
  # at all without a default route. The route leads to the pair's other end, inside this namespace
  # too, which forwards nothing: no packet can leave.
  exec unshare -n sh -c 'ip link set lo up && ip link add hush-a type veth peer name hush-b &&
    ip addr add 198.18.0.1/24 dev hush-a && ip addr add 198.18.0.2/24 dev hush-b &&
    ip link set hush-a up && ip link set hush-b up && ip route add default dev hush-a &&
    exec "$0" "$@"' "$0" "$@"
fi
if [ "${HUSH_IN_NETNS:-}" != "1" ]; then
  echo "warning: not root; running the browser suite without a private network namespace" >&2
  npm run build --silent
fi
exec npx vitest run --project e2e "$@"
