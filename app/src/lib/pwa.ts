// The service worker that makes Hush installable and lets the shell and History open offline (built by
// vite-plugin-pwa, vite.config.ts). A new version's worker takes over in the background, but the open page
// is never reloaded for it (that would end a chat): the next load runs the new version and says so, once.
// Loaded after the first screen (App.svelte imports it dynamically): none of this is on the first-load path.
/// <reference types="vite-plugin-pwa/vanillajs" />
import { registerSW } from 'virtual:pwa-register'

/** Set when a new worker took over under an open page: the next load is the first of the new version. */
const updatedKey = 'hush.updated'

/** Registers the worker once the page has loaded; `updated` is called when this load is a new version's first. */
export function startPwa(updated: () => void): void {
  if (takeFlag()) updated()
  if (!('serviceWorker' in navigator)) return
  // registerSW reloads the page by default when an update activates: onNeedReload replaces that.
  registerSW({ onNeedReload: () => setFlag() })
}

function takeFlag(): boolean {
  try {
    const set = localStorage.getItem(updatedKey) !== null
    localStorage.removeItem(updatedKey)
    return set
  } catch {
    return false // storage refused: no notice, the new version runs all the same
  }
}

function setFlag(): void {
  try {
    localStorage.setItem(updatedKey, '1')
  } catch {
    // Storage refused: the update goes unannounced.
  }
}
