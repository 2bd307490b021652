// Unit tests use the app's E2E crypto directly: its library, fetched lazily in the page, is loaded here first.
import { loadCrypto } from '../../app/src/lib/link/crypto.ts'

await loadCrypto()
