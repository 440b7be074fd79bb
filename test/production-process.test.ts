import t from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, waitFor } from './helpers/net.js'
import { runUntilExit, startServer } from './helpers/process.js'
import { SECRET } from './helpers/build.js'

/** Runs the compiled server until it exits by itself, which it does on configuration errors. */
function runServer (env: Record<string, string>, cwd = process.cwd()) {
  return spawnSync(process.execPath, [join(process.cwd(), 'build/src/server.js')], {
    cwd,
    env: { PATH: process.env.PATH as string, LOG_FORMAT: 'json', ...env },
    encoding: 'utf8',
    timeout: 30_000
  })
}

t.test('invalid configuration exits 1', async (t) => {
  const result = runServer({ PORT: '70000', DATA_DIR: t.testdir() })

  t.equal(result.status, 1)
  t.match(result.stderr, 'omi-webhook: configuration error: Invalid PORT: must be <= 65535')
})

t.test('.env file is read', async (t) => {
  const dir = t.testdir()
  writeFileSync(join(dir, '.env'), 'PORT=not-a-number\n')

  const result = runServer({ DATA_DIR: dir }, dir)

  t.equal(result.status, 1)
  t.match(result.stderr, 'Invalid PORT: must be integer (expected a whole number)')
})

/** Starts the compiled server, waits for it to listen, then stops it with SIGTERM and returns its stdout. */
async function startAndStop (dataDir: string): Promise<string> {
  const port = await freePort()
  const server = spawn(process.execPath, ['build/src/server.js'], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let output = ''
  server.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise((resolve) => server.once('exit', resolve))

  await waitFor(() => output.includes('"msg":"Server listening'), 30_000, 'the server to listen')
  server.kill('SIGTERM')
  await exited
  return output
}

t.test('generated secret is kept', async (t) => {
  const dataDir = t.testdir()

  const first = await startAndStop(dataDir)
  const second = await startAndStop(dataDir)

  const secret = readFileSync(join(dataDir, 'webhook-secret'), 'utf8').trim()
  t.match(first, `omi-webhook: generated a secret and saved it in ${join(dataDir, 'webhook-secret')}`)
  t.notMatch(first, secret, 'the secret is not printed when stdout is not a terminal')
  t.match(second, `omi-webhook: using the secret saved in ${join(dataDir, 'webhook-secret')}`)
})

t.test('second instance on one DATA_DIR exits 1', async (t) => {
  const dataDir = t.testdir()
  const env = { DATA_DIR: dataDir, WEBHOOK_SECRET: SECRET }
  const first = await startServer(t, env, dataDir)

  const second = await runUntilExit({ ...env, WEBHOOK_SECRET: undefined }, dataDir)

  t.equal(second.code, 1)
  t.notOk(existsSync(join(dataDir, 'webhook-secret')), 'the second instance saved no secret of its own')
  t.equal(second.stderr, `omi-webhook: the data folder ${dataDir} (DATA_DIR) is in use by another omi-webhook instance; ` +
    'run one instance per data folder\n')
  first.child.kill('SIGKILL')
  await new Promise((resolve) => first.child.once('exit', resolve))
  const third = await startServer(t, env, dataDir)
  t.equal(await third.stop(), 0, 'a killed instance leaves no lock behind')
})

t.test('DATA_DIR that is a file stops the start', async (t) => {
  const dir = t.testdir({ data: 'a file where the data folder belongs' })

  const result = await runUntilExit({ DATA_DIR: join(dir, 'data'), WEBHOOK_SECRET: SECRET }, dir)

  t.equal(result.code, 1)
  t.match(result.stderr, /EEXIST|ENOTDIR/)
})
