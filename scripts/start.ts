// `npm start`: build the app when app/dist is missing or older than its sources, then serve everything.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const appSources = ['app/src', 'app/index.html', 'app/public', 'app/vite.config.ts', 'app/svelte.config.js', 'protocol']
const builtMarker = 'app/dist/index.html'

function newestMtimeMs(path: string): number {
  let stats
  try {
    stats = statSync(path)
  } catch {
    return 0
  }
  if (!stats.isDirectory()) return stats.mtimeMs
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtimeMs(join(path, entry))), stats.mtimeMs)
}

const builtAt = newestMtimeMs(builtMarker)
if (builtAt === 0 || appSources.some((source) => newestMtimeMs(source) > builtAt)) {
  process.stdout.write('hush: building the app (app/dist is missing or stale)…\n')
  const { build } = await import('vite')
  await build({ configFile: 'app/vite.config.ts', logLevel: 'warn' })
}
await import('../signaling/main.ts')
