import t from 'tap'
import Database from 'better-sqlite3'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { readAudioPieces } from '../src/storage/audio.js'
import { DATABASE_FILE } from '../src/storage/database.js'

const SECRET = 'durability-secret-0123456789'
const UID = 'durable_user'
const CLIENTS = 8
const KILL_AFTER_ACKNOWLEDGED = 300
const MAX_DELIVERIES = 5000
const TIME_LIMIT_MS = 20_000
const SERVER = new URL('../src/server.js', import.meta.url).pathname
const conversation = JSON.parse(readFileSync(new URL('../../test/fixtures/conversation_created.json', import.meta.url), 'utf8'))
const transcript = JSON.parse(readFileSync(new URL('../../test/fixtures/realtime_transcript.json', import.meta.url), 'utf8'))

type Kind = 'conversation' | 'segment' | 'audio' | 'button'

interface Delivery {
  kind: Kind
  id: string
  query: string
  contentType: string
  body: string | Uint8Array<ArrayBuffer>
}

async function freePort (): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  return port
}

async function startServer (dataDir: string): Promise<{ child: ChildProcess, origin: string }> {
  const port = await freePort()
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'warn', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const origin = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${origin}/health`)).ok) return { child, origin }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  child.kill('SIGKILL')
  throw new Error(`the server did not answer on ${origin} within 15 s`)
}

function makeDelivery (n: number): Delivery {
  const id = `d-${n}`
  const json = (kind: Kind, body: unknown): Delivery => ({ kind, id, query: '', contentType: 'application/json', body: JSON.stringify(body) })
  switch (n % 4) {
    case 0:
      return json('conversation', { ...conversation, id })
    case 1:
      return json('segment', { session_id: UID, segments: [{ ...transcript.segments[0], id }] })
    case 2: {
      const pcm = Buffer.alloc(3200)
      pcm.writeUInt32LE(n, 0)
      return { kind: 'audio', id, query: '&sample_rate=16000', contentType: 'application/octet-stream', body: new Uint8Array(pcm) }
    }
    default:
      return json('button', { event_type: 'button_event', button_event: 'single_tap', device_id: 'dev-1', event_id: id, timestamp: '2026-12-01T10:00:00Z', session_id: null })
  }
}

interface Traffic {
  stopped: boolean
  acknowledged: Delivery[]
  otherStatuses: number[]
}

/** Sends deliveries from several clients until `traffic.stopped`, recording those answered 2xx and any other statuses. */
async function send (origin: string, traffic: Traffic): Promise<void> {
  const { acknowledged, otherStatuses } = traffic
  let next = 0

  async function client (): Promise<void> {
    while (!traffic.stopped && next < MAX_DELIVERIES) {
      const delivery = makeDelivery(next++)
      try {
        const response = await fetch(`${origin}/webhook?uid=${UID}&key=${SECRET}${delivery.query}`, {
          method: 'POST', headers: { 'content-type': delivery.contentType }, body: delivery.body
        })
        await response.arrayBuffer()
        if (response.status >= 200 && response.status < 300) acknowledged.push(delivery)
        else otherStatuses.push(response.status)
      } catch {
        // The connection broke because the server was killed; this delivery was never acknowledged.
      }
    }
  }

  await Promise.all(Array.from({ length: CLIENTS }, client))
}

function storedIds (db: Database.Database, kind: Kind): string[] {
  switch (kind) {
    case 'conversation':
      return db.prepare('SELECT id FROM memories WHERE uid = ?').pluck().all(UID) as string[]
    case 'segment':
      return db.prepare('SELECT segment_id FROM live_segments WHERE uid = ?').pluck().all(UID) as string[]
    case 'button':
      return db.prepare('SELECT event_id FROM button_events WHERE uid = ?').pluck().all(UID) as string[]
    case 'audio':
      return readAudioPieces(db, UID, '0000', '9999').map((piece) => `d-${piece.pcm.readUInt32LE(0)}`)
  }
}

function countMissingAndRepeated (acknowledged: string[], stored: string[]): { missing: number, repeated: number } {
  const counts = new Map<string, number>()
  for (const id of stored) counts.set(id, (counts.get(id) ?? 0) + 1)
  return {
    missing: acknowledged.filter((id) => counts.get(id) === undefined).length,
    repeated: acknowledged.filter((id) => (counts.get(id) ?? 0) > 1).length
  }
}

t.test('acknowledged deliveries survive SIGKILL', async (t) => {
  const dataDir = t.testdir()
  const first = await startServer(dataDir)
  const sent: Traffic = { stopped: false, acknowledged: [], otherStatuses: [] }
  const startedAt = Date.now()
  const killer = setInterval(() => {
    if (sent.acknowledged.length < KILL_AFTER_ACKNOWLEDGED && Date.now() - startedAt < TIME_LIMIT_MS) return
    sent.stopped = true
    first.child.kill('SIGKILL')
    clearInterval(killer)
  }, 5)
  const exited = once(first.child, 'exit')

  await send(first.origin, sent)
  await exited
  const second = await startServer(dataDir)
  const ping = await fetch(`${second.origin}/webhook?uid=${UID}&key=${SECRET}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"ping"}'
  })
  second.child.kill('SIGTERM')
  await once(second.child, 'exit')
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true })
  t.teardown(() => db.close())

  t.equal(ping.status, 200)
  t.same(sent.otherStatuses, [])
  t.ok(sent.acknowledged.length > 0, 'some deliveries were acknowledged before the kill')
  for (const kind of ['conversation', 'segment', 'audio', 'button'] as const) {
    const acknowledged = sent.acknowledged.filter((delivery) => delivery.kind === kind).map((delivery) => delivery.id)
    const { missing, repeated } = countMissingAndRepeated(acknowledged, storedIds(db, kind))
    t.equal(missing, 0, `every acknowledged ${kind} is stored`)
    t.equal(repeated, 0, `every acknowledged ${kind} is stored once`)
  }
})
