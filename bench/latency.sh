#!/usr/bin/env bash
# Latency benchmark (bench/latency.ts), built and run in a loopback-only namespace.
exec bash "$(dirname "$0")/in-netns.sh" bench/latency.ts "$@"
