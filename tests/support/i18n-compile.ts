// Vitest global setup: the catalogues are compiled (a no-op while the output is current), so a suite that
// imports the app's wording finds every message.
import { execFileSync } from 'node:child_process'

export default function compileCatalogues(): void {
  execFileSync(process.execPath, ['app/src/lib/i18n/compile.mjs'], { stdio: 'inherit' })
}
