#!/usr/bin/env bash
# Image benchmark (bench/images.ts), built and run in a loopback-only namespace.
exec bash "$(dirname "$0")/in-netns.sh" bench/images.ts "$@"
