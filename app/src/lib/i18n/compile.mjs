// Compiles the catalogues (messages/<locale>.json) into one typed ES module per language
// (paraglide/messages/<locale>.js and .d.ts) with Paraglide JS, offline: the message-format plugin is
// the npm package, referenced by path in project.inlang/settings.json. A compile takes ~10 s, so it is
// skipped while the output is newer than every catalogue and the settings (`--force` compiles anyway).
import { existsSync, readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const here = (path) => fileURLToPath(new URL(path, import.meta.url))
const project = here('./project.inlang')
const outdir = here('./paraglide')
const stamp = here('./paraglide/messages/en.d.ts')
const sources = [
  here('./project.inlang/settings.json'),
  ...readdirSync(here('./messages')).map((file) => here(`./messages/${file}`)),
]

const fresh = existsSync(stamp) && sources.every((source) => statSync(source).mtimeMs <= statSync(stamp).mtimeMs)
if (!fresh || process.argv.includes('--force')) {
  const { compile } = await import('@inlang/paraglide-js')
  await compile({
    project,
    outdir,
    outputStructure: 'locale-modules',
    emitTsDeclarations: true,
    emitReadme: false,
  })
}
// The inlang SDK keeps timers alive for half a minute after compiling.
process.exit(0)
