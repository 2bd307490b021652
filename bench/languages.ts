// npm run bench:languages: first-load JS per interface language, gzip level 9 as bench:latency counts it.
// A page loads the entry chunks (index.html's script and modulepreloads), then only its language's
// catalogue chunk and what that imports. Reads the built app (npm run build first). Prints JSON.
import { readFile, readdir } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import { locales } from '../app/src/lib/i18n/locales.ts'

const dist = 'app/dist'
const budgetKB = 70

const gzipBytes = async (file: string): Promise<number> =>
  gzipSync(await readFile(`${dist}/${file}`), { level: 9 }).length
const kb = (bytes: number): number => Math.round(bytes / 102.4) / 10

/** `file` and every chunk it imports statically, transitively. */
async function withImports(file: string, seen = new Set<string>()): Promise<Set<string>> {
  if (seen.has(file)) return seen
  seen.add(file)
  const code = await readFile(`${dist}/${file}`, 'utf8')
  for (const [, name] of code.matchAll(/(?:^|[;}\s])import\s*(?:[^'"`()]*?from\s*)?["'`]\.\/([^"'`]+\.js)["'`]/g))
    await withImports(`assets/${name}`, seen)
  return seen
}

async function main(): Promise<void> {
  const html = await readFile(`${dist}/index.html`, 'utf8')
  const entry = new Set<string>()
  for (const [, file] of html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)) await withImports(file!, entry)
  const assets = await readdir(`${dist}/assets`)
  const sum = async (files: Iterable<string>) =>
    (await Promise.all([...files].map(gzipBytes))).reduce((a, b) => a + b, 0)
  const entryBytes = await sum(entry)
  const perLanguage: Record<string, { catalogueGzipKB: number; firstLoadJsGzipKB: number; withinBudget: boolean }> = {}
  for (const locale of locales) {
    const chunk = assets.find((name) => name.startsWith(`${locale}-`) && name.endsWith('.js'))
    if (!chunk) throw new Error(`no catalogue chunk for ${locale} in ${dist}/assets`)
    const own = [...(await withImports(`assets/${chunk}`))].filter((file) => !entry.has(file))
    const total = entryBytes + (await sum(own))
    perLanguage[locale] = {
      catalogueGzipKB: kb(await sum(own)),
      firstLoadJsGzipKB: kb(total),
      withinBudget: kb(total) <= budgetKB,
    }
  }
  console.log(JSON.stringify({ entryJsGzipKB: kb(entryBytes), budgetKB, perLanguage }, null, 2))
}

await main()
