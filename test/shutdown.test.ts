import t, { type Test } from 'tap'
import { once } from 'node:events'
import { request } from 'node:http'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { DATABASE_FILE } from '../src/storage/database.js'
import { SECRET } from './helpers/build.js'
import { waitFor } from './helpers/net.js'
import { startServer } from './helpers/process.js'

const CHUNK = Buffer.alloc(1024 * 1024, 1)
const CHUNKS = 4

/** Starts the compiled server on `dataDir` and returns it with the port it listens on. */
async function startOn (t: Test, dataDir: string) {
  const server = await startServer(t, { DATA_DIR: dataDir, WEBHOOK_SECRET: SECRET }, dataDir)
  return { ...server, port: new URL(server.url).port }
}

t.test('shutdown finishes requests in flight', async (t) => {
  const dataDir = t.testdir()
  const { port, child, stdout } = await startOn(t, dataDir)
  const exited = once(child, 'exit')
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
  child.kill('SIGTERM')
  await waitFor(() => stdout().includes('"msg":"shutting down"'), 10_000, 'the shutdown to begin')
  for (let i = 0; i < CHUNKS; i++) {
    await new Promise<void>((resolve, reject) => { req.write(CHUNK, (error) => { error ? reject(error) : resolve() }) })
  }
  req.end()

  const reply = await response
  t.equal(reply.statusCode, 200)
  t.equal(JSON.parse(reply.body).status, 'stored')
  t.same(await exited, [0, null])
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true })
  t.teardown(() => db.close())
  t.same(db.prepare('SELECT byte_length FROM audio_chunks').all(), [{ byte_length: size }])
})

t.test('data survives a restart', async (t) => {
  const dataDir = t.testdir()
  const first = await startOn(t, dataDir)
  await fetch(`http://127.0.0.1:${first.port}/webhook?uid=user_1&key=${SECRET}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'memory_created', memory: { id: 'conversation-1', created_at: '2030-01-01T00:00:00Z' } })
  })
  await first.stop()

  const second = await startOn(t, dataDir)
  const response = await fetch(`http://127.0.0.1:${second.port}/webhook?uid=user_1&key=${SECRET}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'memory_created', memory: { id: 'conversation-1', created_at: '2030-01-01T00:00:00Z' } })
  })

  t.equal((await response.json() as { status: string }).status, 'duplicate')
  t.equal(await second.stop(), 0)
})

t.test('SIGINT also exits cleanly', async (t) => {
  const { child } = await startOn(t, t.testdir())
  const exited = once(child, 'exit')

  child.kill('SIGINT')

  t.same(await exited, [0, null])
})
