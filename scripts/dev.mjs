// `npm run dev`: the signaling server (restarted on change) and Vite's dev server (hot reload),
// which proxies /socket.io to the signaling server.
import { spawn } from 'node:child_process'

const children = [
  spawn(process.execPath, ['--watch', '--import', 'tsx', 'signaling/main.ts'], {
    stdio: 'inherit',
    env: {
      ...process.env,
      STATIC_DIR: '/nonexistent',
      CORS_ORIGIN: process.env.CORS_ORIGIN ?? 'http://localhost:5173',
    },
  }),
  spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--config', 'app/vite.config.ts'], { stdio: 'inherit' }),
]
const stop = () => {
  for (const child of children) child.kill('SIGTERM')
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
for (const child of children) child.on('exit', stop)
