// deploy/hush.service as systemd reads it.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoFile, requireBinary, substitute, useWorkspace } from '../../support/self-hosting.ts'

const workspace = useWorkspace()

describe('deploy/hush.service', () => {
  it('passes systemd-analyze verify with no warnings, and runs the same command as npm run serve', () => {
    const analyze = requireBinary('systemd-analyze')
    let unit = repoFile('deploy/hush.service')
    // The unit names Debian's /usr/bin/node; on machines where node lives elsewhere, point it there.
    if (!existsSync('/usr/bin/node')) unit = substitute(unit, [['/usr/bin/node ', `${process.execPath} `]])
    const dir = join(workspace.dir, 'systemd')
    mkdirSync(dir)
    writeFileSync(join(dir, 'hush.service'), unit)
    const result = spawnSync(analyze, ['verify', join(dir, 'hush.service')], { encoding: 'utf8' })
    // verify exits 0 on settings it ignores, so any message at all counts as a failure.
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('')
    expect(result.status).toBe(0)
    const serve = JSON.parse(repoFile('package.json')).scripts.serve as string
    expect(/^ExecStart=\S+\/node (.+)$/m.exec(unit)?.[1]).toBe(serve.replace(/^node /, ''))
  })
})
