// docs/self-hosting.md: every deploy file shown verbatim, and settings that work together.
import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../signaling/config.ts'
import { contentSecurityPolicy } from '../../../signaling/http.ts'
import { repoFile } from '../../support/self-hosting.ts'

describe('docs/self-hosting.md', () => {
  const guide = repoFile('docs/self-hosting.md')

  it('shows every deploy file verbatim, so the tested file is the documented file', () => {
    const shown = new Map(
      [...guide.matchAll(/<!-- deploy-file: (\S+) -->\s*```\w*\n([\s\S]*?)```/g)].map(([, path, body]) => [path, body]),
    )
    const expected = [
      ...readdirSync(new URL('../../../deploy', import.meta.url)).map((f) => `deploy/${f}`),
      'Dockerfile',
      '.dockerignore',
    ]
    expect([...shown.keys()].sort()).toEqual(expected.sort())
    for (const path of expected)
      expect(shown.get(path), `${path} differs from its copy in the guide`).toBe(repoFile(path))
  })

  it("gives the cross-origin CSP: the server's own, with the signaling wss:// origin in connect-src", () => {
    const documented = /<!-- csp: cross-origin -->\s*```\n?Content-Security-Policy: (.+)\n```/.exec(guide)?.[1]
    expect(documented).toBe(
      contentSecurityPolicy.replace("connect-src 'self'", "connect-src 'self' wss://signal.example.com"),
    )
  })

  it('has an env file the server accepts, behind one proxy, with the secret of turnserver.conf', () => {
    const env = Object.fromEntries(
      repoFile('deploy/hush.env')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    )
    const config = loadConfig(env)
    expect(config.host).toBe('127.0.0.1')
    expect(config.trustProxyHops).toBe(1)
    expect(config.turnUrls.some((url) => url.startsWith('turns:') && url.includes(':443'))).toBe(true)
    expect(config.turnSecret).toBe(/^static-auth-secret=(.+)$/m.exec(repoFile('deploy/turnserver.conf'))?.[1])
  })

  it('is linked from the README', () => {
    expect(repoFile('README.md')).toContain('](docs/self-hosting.md)')
  })
})
