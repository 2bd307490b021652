# Hush in one image: the built app and the signaling server (docs/self-hosting.md).
#   docker build -t hush . && docker run -p 8080:8080 -p 3478:3478/udp -e TURN_SECRET=… hush
# Not built in this repository's CI (no Docker engine there); tests/integration/self-hosting/dockerfile.test.ts
# checks its shape, that every COPY source exists, and runs its CMD and HEALTHCHECK on the copied files.

FROM node:20-bookworm-slim AS build
WORKDIR /hush
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY app ./app
COPY protocol ./protocol
COPY signaling ./signaling
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /hush
COPY --from=build /hush/package.json ./
COPY --from=build /hush/node_modules ./node_modules
COPY --from=build /hush/protocol ./protocol
COPY --from=build /hush/signaling ./signaling
COPY --from=build /hush/app/dist ./app/dist
# The image's unprivileged user; the server writes nothing to disk.
USER node
EXPOSE 8080
# The built-in STUN server (STUN_PORT).
EXPOSE 3478/udp
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM directly for the graceful shutdown.
CMD ["node", "--import", "tsx", "signaling/main.ts"]
