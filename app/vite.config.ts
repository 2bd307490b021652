import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { VitePWA } from 'vite-plugin-pwa'

const root = fileURLToPath(new URL('.', import.meta.url))

/**
 * Chromium's explicit compile hint: compile every function of our chunks eagerly, off the main thread while
 * the script streams in, instead of lazily on first call. The first match otherwise pays ~20 ms of
 * compilation for the chat view and the WebRTC code on the main thread, right when the handshake needs it.
 */
const eagerCompileHint: Plugin = {
  name: 'hush:eager-compile-hint',
  apply: 'build',
  enforce: 'post',
  generateBundle(_options, bundle) {
    for (const chunk of Object.values(bundle))
      if (chunk.type === 'chunk') chunk.code = `//# allFunctionsCalledOnLoad\n${chunk.code}`
  },
}

/** The two themes' page colour (app/src/app.css `--bg`): the browser's bar blends into the app's. */
export const themeColors = { light: '#f6f5f2', dark: '#111114' } as const

/**
 * Installable, and the shell and History open offline: a Workbox service worker precaches the built app.
 * A new worker takes over at once (autoUpdate: skipWaiting + clientsClaim) but the open page is not reloaded
 * (src/lib/pwa.ts): the new version is what the next load gets, with a notice.
 */
const pwa = VitePWA({
  registerType: 'autoUpdate',
  // Registered by src/lib/pwa.ts after load, off the first-load path: no inline script (CSP), no extra tag.
  injectRegister: null,
  manifest: {
    name: 'Hush: talk to a stranger, privately',
    short_name: 'Hush',
    description: 'Anonymous one-to-one chat, peer to peer and end-to-end encrypted.',
    id: '/',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    theme_color: themeColors.light,
    background_color: themeColors.light,
    icons: [
      { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  // Every file of public/ is matched by globPatterns already: listing icons again would precache them twice.
  includeManifestIcons: false,
  workbox: {
    globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
    navigateFallback: 'index.html',
    // Never answered with the app shell: the signaling socket, the server's own endpoints.
    navigateFallbackDenylist: [/^\/socket\.io/, /^\/api(\/|$)/, /^\/metrics$/, /^\/healthz$/, /^\/admin(\/|$)/],
    cleanupOutdatedCaches: true,
    skipWaiting: true,
    clientsClaim: true,
  },
})

export default defineConfig({
  root,
  plugins: [
    svelte({ configFile: fileURLToPath(new URL('./svelte.config.js', import.meta.url)) }),
    eagerCompileHint,
    pwa,
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
  server: {
    port: 5173,
    proxy: { '/socket.io': { target: 'http://127.0.0.1:8080', ws: true } },
  },
})
