// Unit setup: the interface in English, as a page whose browser asks for English starts.
import { language } from '../../app/src/lib/i18n/language.svelte.ts'

await language.use('en')
