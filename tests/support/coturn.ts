// A real coturn (turnserver) on free loopback ports, configured as docs/testing.md says (use-auth-secret).
import { freePort } from './ports.ts'
import { spawn, type ChildProcess } from 'node:child_process'

export const turnserverPath = process.env.TURNSERVER_PATH ?? 'turnserver'

export { freePort }

export interface Coturn {
  port: number
  secret: string
  url: string
  stop(): Promise<void>
}

export async function startCoturn(secret = 'coturn-test-secret-0123456789'): Promise<Coturn> {
  const port = await freePort()
  // Relay ports: a private window derived from the listening port, away from the ephemeral range.
  const minPort = 20_000 + (port % 400) * 50
  const child: ChildProcess = spawn(
    turnserverPath,
    [
      '-n',
      '--no-cli',
      '-L',
      '127.0.0.1',
      '--listening-port',
      String(port),
      '-E',
      '127.0.0.1',
      '--no-tls',
      '--no-dtls',
      '--allow-loopback-peers',
      '--no-multicast-peers',
      '--min-port',
      String(minPort),
      '--max-port',
      String(minPort + 49),
      '--realm',
      'hush.test',
      '--use-auth-secret',
      '--static-auth-secret',
      secret,
      '--fingerprint',
      '--log-file',
      'stdout',
      '--simple-log',
      '--no-stdout-log=false',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  await new Promise<void>((resolve, reject) => {
    let log = ''
    const timer = setTimeout(() => reject(new Error(`turnserver did not start:\n${log}`)), 10_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      log += chunk.toString()
      if (/Total General servers/.test(log)) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`turnserver exited with ${code}:\n${log}`))
    })
  })
  return {
    port,
    secret,
    url: `turn:127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/** Asks coturn for a relay allocation with these credentials (coturn's own test client). */
export function tryAllocation(
  port: number,
  username: string,
  password: string,
): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const client = spawn(
      'turnutils_uclient',
      ['-p', String(port), '-u', username, '-w', password, '-n', '1', '-m', '1', '-y', '-c', '127.0.0.1'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    client.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    client.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => client.kill('SIGKILL'), 15_000)
    client.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ ok: code === 0 && !/Cannot complete Allocation/.test(output), output })
    })
  })
}
