import t from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SECRET } from './helpers/build.js'
import { freePort, httpRequest, waitFor } from './helpers/net.js'

// Compiling better-sqlite3 from source on a slow machine takes minutes.
t.setTimeout(900_000)

const ROOT = process.cwd()
const NPM_TIMEOUT_MS = 840_000
// Outside a container there is no user "node", so a root test runner starts the service as uid 65534 (nobody), a non-root user like the image's.
const UNPRIVILEGED = { uid: 65534, gid: 65534 }
const runsAsRoot = process.getuid?.() === 0
// tap adds its coverage hooks to NODE_OPTIONS of every child process; the image has none, so `env -u` removes them.
const WITHOUT_TAP = ['-u', 'NODE_OPTIONS']

/**
 * Rebuilds the Dockerfile's runtime stage in a clean folder: production
 * dependencies from the lock file, the compiled JavaScript, and /data
 * owned by the unprivileged user.
 */
function assembleRuntime (dir: string): { ok: true } | { ok: false, reason: string } {
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'))
  cpSync(join(ROOT, 'package-lock.json'), join(dir, 'package-lock.json'))
  const install = spawnSync('env', [...WITHOUT_TAP, 'npm', 'ci', '--omit=dev', '--ignore-scripts=false', '--no-audit', '--no-fund'], {
    cwd: dir, encoding: 'utf8', timeout: NPM_TIMEOUT_MS
  })
  if (install.status !== 0) return { ok: false, reason: `npm ci --omit=dev failed: ${install.error?.message ?? install.stderr.slice(-500)}` }

  for (const folder of ['src', 'plugins', 'routes']) cpSync(join(ROOT, 'build', folder), join(dir, 'build', folder), { recursive: true })
  mkdirSync(join(dir, 'data'), { mode: 0o700 })
  if (runsAsRoot) chownSync(join(dir, 'data'), UNPRIVILEGED.uid, UNPRIVILEGED.gid)
  chmodSync(dir, 0o755)
  return { ok: true }
}

const dir = mkdtempSync(join(tmpdir(), 'omi-image-'))
t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
const runtime = assembleRuntime(dir)

t.test('runtime stage serves deliveries', { skip: runtime.ok ? false : runtime.reason }, async (t) => {
  const port = await freePort()
  const server = spawn('env', [...WITHOUT_TAP, 'node', 'build/src/server.js'], {
    cwd: dir,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: join(dir, 'data'), LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(runsAsRoot ? UNPRIVILEGED : {})
  })
  let output = ''
  server.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  server.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve))
  t.teardown(() => { server.kill('SIGKILL') })
  await waitFor(() => {
    if (server.exitCode !== null) throw new Error(`the service exited with ${server.exitCode}: ${output}`)
    return /generated a secret/.test(output) && /"msg":"Server listening/.test(output)
  }, 30_000, 'the service to listen')

  const health = await httpRequest({ port, path: '/health' })
  const secret = spawnSync('cat', [join(dir, 'data', 'webhook-secret')], { encoding: 'utf8' }).stdout.trim()
  const ping = await httpRequest({
    port,
    path: `/webhook?uid=user_1&key=${secret}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'ping' })
  })
  server.kill('SIGTERM')

  t.equal(health.statusCode, 200)
  t.equal(ping.statusCode, 200)
  t.equal(ping.body, '{"message":"pong"}')
  t.not(secret, SECRET)
  t.equal(await exited, 0, `the service exits 0 on SIGTERM; its output was:\n${output}`)
})

t.test('runtime stage compacts its data folder', { skip: runtime.ok ? false : runtime.reason }, async (t) => {
  const compact = spawnSync('env', [...WITHOUT_TAP, 'node', 'build/src/compact.js'], {
    cwd: dir,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', DATA_DIR: join(dir, 'data') },
    encoding: 'utf8',
    timeout: 30_000,
    ...(runsAsRoot ? UNPRIVILEGED : {})
  })

  t.equal(compact.status, 0, compact.stderr)
  t.match(compact.stdout, `omi-webhook: compacted ${join(dir, 'data', 'omi-webhook.sqlite')} from `)
})
