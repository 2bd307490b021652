import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          exclude: ['tests/unit/**/*.svelte.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/i18n-compile.ts'],
        },
      },
      {
        // The app's rune modules as in the page: the Svelte plugin compiles them, the browser condition
        // and a DOM (happy-dom) give them Svelte's client runtime, where effects run.
        plugins: [svelte({ configFile: false })],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'unit-svelte',
          include: ['tests/unit/**/*.svelte.test.ts'],
          environment: 'happy-dom',
          globalSetup: ['tests/support/i18n-compile.ts'],
          // The app's wording in English, as a browser that asks for English gets it.
          setupFiles: ['tests/support/i18n.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          // The same suites with every test server backed by Redis: both stores, one behaviour.
          name: 'integration-redis',
          include: [
            'tests/integration/session.test.ts',
            'tests/integration/matchmaking.test.ts',
            'tests/integration/interests.test.ts',
            'tests/integration/interests-load.test.ts',
            'tests/integration/relay.test.ts',
            'tests/integration/relay-frames.test.ts',
            'tests/integration/abuse.test.ts',
            'tests/integration/resume.test.ts',
            'tests/integration/safety.test.ts',
          ],
          setupFiles: ['tests/support/redis-mode.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          // Two Chromium processes on two loaded cores, and history written in 400 ms batches: a poll's
          // default second is too short a wait for an event that does come.
          expect: { poll: { timeout: 5_000 } },
        },
      },
    ],
  },
})
