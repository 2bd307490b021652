import { mount } from 'svelte'
import App from './App.svelte'
import { loadSimplePeer } from './lib/link/peer.ts'
import './app.css'

const target = document.getElementById('root')
if (!target) throw new Error('missing #root')
mount(App, { target })

// The WebRTC library is not needed for the first screen: fetch it once the page is idle.
const idle = window.requestIdleCallback ?? ((callback: () => void) => setTimeout(callback, 200))
idle(() => void loadSimplePeer())
