#!/usr/bin/env bash
# Runs a browser benchmark (bench/<name>.ts) after building the app, in a loopback-only network
# namespace (as root), like the browser tests, so every packet stays on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
script="$1"
shift
if [ "${HUSH_IN_NETNS:-}" != "1" ]; then
  npm run build --silent >/dev/null
  if [ "$(id -u)" = "0" ] && command -v unshare >/dev/null; then
    export HUSH_IN_NETNS=1
    exec unshare -n sh -c 'ip link set lo up && exec "$0" "$@"' "$0" "$script" "$@"
  fi
fi
exec node --import tsx "$script" "$@"
