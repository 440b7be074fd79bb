import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { DATABASE_FILE } from '../src/storage/database.js'
import { SECRET } from './helpers/build.js'
import { freePort, waitFor } from './helpers/net.js'

const CHUNK = Buffer.alloc(1024 * 1024, 1)
const CHUNKS = 4

/** Starts `node build/src/server.js`, the image's command, and waits until it listens. */
async function startServer (t: Test, dataDir: string) {
  const port = await freePort()
  const server = spawn(process.execPath, ['build/src/server.js'], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, WEBHOOK_SECRET: SECRET, LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  server.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  server.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve))
  t.teardown(() => { server.kill('SIGKILL') })

  await waitFor(() => {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}: ${output}`)
    return output.includes('"msg":"Server listening')
  }, 30_000, 'the server to listen')
  return { port, server, exited, output: () => output }
}

t.test('shutdown finishes requests in flight', async (t) => {
  const dataDir = t.testdir()
  const { port, server, exited, output } = await startServer(t, dataDir)
  const size = CHUNK.length * CHUNKS

  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: `/webhook?uid=user_1&sample_rate=16000&key=${SECRET}`,
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(size), expect: '100-continue' },
    timeout: 20_000
  })
  const response = new Promise<{ statusCode?: number, body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => { body += chunk.toString() })
      res.on('end', () => { resolve({ statusCode: res.statusCode, body }) })
    })
    req.on('timeout', () => { req.destroy(new Error('the audio request timed out after 20 s')) })
    req.on('error', reject)
  })
  // 100 Continue comes once the server has parsed the headers, so the request is in flight.
  await new Promise((resolve) => req.once('continue', resolve))
  server.kill('SIGTERM')
  await waitFor(() => output().includes('"msg":"shutting down"'), 10_000, 'the shutdown to begin')
  for (let i = 0; i < CHUNKS; i++) {
    await new Promise<void>((resolve, reject) => { req.write(CHUNK, (error) => { error ? reject(error) : resolve() }) })
  }
  req.end()

  const reply = await response
  t.equal(reply.statusCode, 200)
  t.equal(JSON.parse(reply.body).status, 'stored')
  t.equal(await exited, 0)
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true })
  t.teardown(() => db.close())
  t.same(db.prepare('SELECT byte_length FROM audio_chunks').all(), [{ byte_length: size }])
})

t.test('data survives a restart', async (t) => {
  const dataDir = t.testdir()
  const first = await startServer(t, dataDir)
  await fetch(`http://127.0.0.1:${first.port}/webhook?uid=user_1&key=${SECRET}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'memory_created', memory: { id: 'conversation-1', created_at: '2030-01-01T00:00:00Z' } })
  })
  first.server.kill('SIGTERM')
  await first.exited

  const second = await startServer(t, dataDir)
  const response = await fetch(`http://127.0.0.1:${second.port}/webhook?uid=user_1&key=${SECRET}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'memory_created', memory: { id: 'conversation-1', created_at: '2030-01-01T00:00:00Z' } })
  })
  second.server.kill('SIGTERM')

  t.equal((await response.json() as { status: string }).status, 'duplicate')
  t.equal(await second.exited, 0)
})

t.test('SIGINT also exits cleanly', async (t) => {
  const { server, exited } = await startServer(t, t.testdir())

  server.kill('SIGINT')

  t.equal(await exited, 0)
})
