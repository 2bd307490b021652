import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

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

export default defineConfig({
  root,
  plugins: [svelte({ configFile: fileURLToPath(new URL('./svelte.config.js', import.meta.url)) }), eagerCompileHint],
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
