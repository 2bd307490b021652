// The Dockerfile: its shape, its files, and its CMD and HEALTHCHECK run on the copied files (no Docker engine here).
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort } from '../../support/coturn.ts'
import { freeUdpPort } from '../../support/ports.ts'
import { repoFile, startChild, useWorkspace } from '../../support/self-hosting.ts'

const workspace = useWorkspace()

describe('Dockerfile', () => {
  const dockerfile = repoFile('Dockerfile')
  const instructions = dockerfile
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
  const stages = instructions.filter((line) => line.startsWith('FROM '))
  const runtime = instructions.slice(instructions.lastIndexOf(stages.at(-1) ?? ''))
  const jsonArgs = (line: string) => JSON.parse(line.replace(/^\w+\s+(--\S+\s+)*(CMD\s+)?/, '')) as string[]

  it('is multi-stage, installs with npm ci and runs as a non-root user with a /healthz HEALTHCHECK', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2)
    expect(instructions.some((line) => /^RUN .*npm ci\b/.test(line))).toBe(true)
    const user = runtime.filter((line) => line.startsWith('USER ')).at(-1)
    expect(user).toBeDefined()
    expect(user).not.toMatch(/^USER (root|0)(:|$)/)
    expect(runtime).toContain('EXPOSE 8080')
    expect(runtime).toContain('EXPOSE 3478/udp')
    expect(runtime.find((line) => line.startsWith('HEALTHCHECK '))).toMatch(/\/healthz/)
    expect(runtime.join('\n')).toMatch(/HOST=0\.0\.0\.0/)
  })

  it('copies only paths that exist in the repository and are not excluded by .dockerignore', () => {
    const ignored = repoFile('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
    const sources = instructions
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.split(/\s+/).slice(1, -1))
    expect(sources.length).toBeGreaterThan(0)
    for (const source of sources) {
      expect(existsSync(new URL(`../../../${source}`, import.meta.url)), source).toBe(true)
      expect(ignored, source).not.toContain(source)
    }
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.git', '.env']))
  })

  it('needs no devDependency at run time (the runtime stage has `npm prune --omit=dev` node_modules)', () => {
    const { dependencies } = JSON.parse(repoFile('package.json')) as { dependencies: Record<string, string> }
    const sources = readdirSync(new URL('../../../signaling', import.meta.url), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => repoFile(`signaling/${file}`))
    const packages = new Set(
      sources.flatMap((source) =>
        [...source.matchAll(/^import\s+(?!type\s)(?:[^']*?\sfrom\s+)?'([^'.][^']*)'/gm)]
          .map(([, specifier]) => specifier ?? '')
          // node: built-ins, and package.json imports (#protocol): the repository's own files.
          .filter((specifier) => !specifier.startsWith('node:') && !specifier.startsWith('#'))
          .map((specifier) =>
            specifier
              .split('/')
              .slice(0, specifier.startsWith('@') ? 2 : 1)
              .join('/'),
          ),
      ),
    )
    expect(packages.size).toBeGreaterThan(0)
    for (const name of packages) expect(Object.keys(dependencies), name).toContain(name)
    expect(Object.keys(dependencies)).toContain('tsx')
  })

  it("runs its CMD from the runtime stage's files, passes its HEALTHCHECK and stops on SIGTERM", async () => {
    // The runtime stage's layout, from its COPY --from lines; app/dist is the test's stand-in app.
    const root = join(workspace.dir, 'image')
    mkdirSync(join(root, 'app'), { recursive: true })
    for (const line of runtime.filter((entry) => entry.startsWith('COPY --from='))) {
      const [, from, to] = line.split(/\s+/).slice(1)
      const source = (from ?? '').replace(/^\/hush\//, '')
      const target = (to ?? '').endsWith('/') ? join(root, to ?? '', basename(source)) : join(root, to ?? '')
      if (source === 'node_modules') symlinkSync(new URL('../../../node_modules', import.meta.url), target)
      else if (source === 'app/dist') cpSync(workspace.staticDir, target, { recursive: true })
      else cpSync(new URL(`../../../${source}`, import.meta.url), target, { recursive: true })
    }
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH }
    for (const line of runtime.filter((entry) => entry.startsWith('ENV '))) {
      for (const [, name, value] of line.matchAll(/(\w+)=(\S+)/g)) env[name ?? ''] = value
    }
    expect(env.HOST).toBe('0.0.0.0')
    // Loopback only in the test, on a free port.
    Object.assign(env, {
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      STUN_PORT: String(await freeUdpPort()),
      LOG_LEVEL: 'info',
    })
    const [command, ...args] = jsonArgs(runtime.find((line) => line.startsWith('CMD ')) ?? '')
    const server = await startChild(command ?? '', args, { cwd: root, env, ready: /Hush listening/ })
    try {
      const [probe, ...probeArgs] = jsonArgs(runtime.find((line) => line.startsWith('HEALTHCHECK ')) ?? '')
      const health = spawnSync(probe ?? '', probeArgs, { cwd: root, env, encoding: 'utf8', timeout: 10_000 })
      expect(health.status, health.stderr).toBe(0)
      const page = await fetch(`http://127.0.0.1:${env.PORT}/`)
      expect(await page.text()).toContain('hush-static-app')
    } finally {
      const exited = new Promise<number | null>((resolve) => server.process.once('exit', resolve))
      server.process.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
  })
})
