#!/usr/bin/env bash
# Browser suite: builds the app, then runs the Playwright tests inside a private network namespace
# whose only interface is loopback, so no test packet can leave this machine (docs/testing.md).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${HUSH_IN_NETNS:-}" != "1" ] && [ "$(id -u)" = "0" ] && command -v unshare >/dev/null; then
  npm run build --silent
  export HUSH_IN_NETNS=1
  exec unshare -n sh -c 'ip link set lo up && exec "$0" "$@"' "$0" "$@"
fi
if [ "${HUSH_IN_NETNS:-}" != "1" ]; then
  echo "warning: not root; running the browser suite without a private network namespace" >&2
  npm run build --silent
fi
exec npx vitest run --project e2e "$@"
