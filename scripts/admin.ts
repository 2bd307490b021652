// The operator's command line for the API on /admin: npm run admin -- reports | bans | ban KEY [TTL_S] | unban KEY
// Reads the server's URL from HUSH_URL (default http://127.0.0.1:8080) and the token from ADMIN_TOKEN.
const usage = 'usage: npm run admin -- reports | bans | ban KEY [TTL_S] | unban KEY  (env: HUSH_URL, ADMIN_TOKEN)'
const base = (process.env.HUSH_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '')
const token = process.env.ADMIN_TOKEN ?? ''
const [command, key, ttl] = process.argv.slice(2)

function requestFor(): [string, string, unknown?] | null {
  if (command === 'reports' || command === 'bans') return ['GET', `/admin/${command}`]
  if (command === 'ban' && key) return ['POST', '/admin/bans', { key, ttlS: Number(ttl ?? 86_400) }]
  if (command === 'unban' && key) return ['DELETE', `/admin/bans/${encodeURIComponent(key)}`]
  return null
}

const call = requestFor()
if (!call || token === '') {
  process.stderr.write(`${token === '' ? 'ADMIN_TOKEN is not set\n' : ''}${usage}\n`)
  process.exit(64) // EX_USAGE
}
const [method, path, body] = call
const response = await fetch(`${base}${path}`, {
  method,
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
})
const text = await response.text()
if (!response.ok) {
  process.stderr.write(`hush admin: ${response.status}${response.status === 401 ? ' (wrong token?)' : ''} ${text}\n`)
  process.exit(1)
}
process.stdout.write(`${JSON.stringify(JSON.parse(text), null, 2)}\n`)
