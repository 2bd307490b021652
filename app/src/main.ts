import { mount } from 'svelte'
import App from './App.svelte'
import { language } from './lib/i18n/language.svelte.ts'
import { loadSimplePeer } from './lib/link/peer.ts'
import './app.css'

const target = document.getElementById('root')
if (!target) throw new Error('missing #root')
// The first screen is worded: its catalogue (one small chunk per language) comes before it. Not a
// top-level await: lazy chunks that import from the entry would then be split into more chunks.
void language.use(language.initial()).then(() => mount(App, { target }))

// The WebRTC library is not needed for the first screen: fetch it once the page is idle.
const idle = window.requestIdleCallback ?? ((callback: () => void) => setTimeout(callback, 200))
idle(() => void loadSimplePeer())
