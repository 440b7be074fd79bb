import t from 'tap'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { DATABASE_FILE } from '../src/storage/database.js'
import { fixture, fixtureBytes, pcm } from './helpers/fixtures.js'
import { startServer } from './helpers/process.js'

const SECRET = 'e2e-secret-0123456789abcdef'
const UID = 'e2e_user'

interface Example {
  name: string
  query?: string
  headers?: Record<string, string>
  body: string | Buffer
  reply: Record<string, unknown>
}

const json = { 'content-type': 'application/json' }

/** One request per typed event and per kind of real Omi delivery, as curl would send them. */
const EXAMPLES: Example[] = [
  { name: 'ping', body: JSON.stringify({ type: 'ping' }), reply: { message: 'pong' } },
  { name: 'memory_created', body: JSON.stringify({ type: 'memory_created', memory: { id: 'typed-memory', created_at: '2026-10-14T08:00:00Z', structured: { title: 'Typed' } } }), reply: { status: 'stored', id: 'typed-memory' } },
  { name: 'new_memory_create_failed', body: JSON.stringify({ type: 'new_memory_create_failed' }), reply: { status: 'stored' } },
  { name: 'new_processing_memory_created', body: JSON.stringify({ type: 'new_processing_memory_created', processing_memory_id: 'pm-1', memory_id: null }), reply: { status: 'stored' } },
  { name: 'memory_processing_started', body: JSON.stringify({ type: 'memory_processing_started', memory: { id: 'typed-memory' } }), reply: { status: 'stored' } },
  { name: 'processing_memory_status_changed', body: JSON.stringify({ type: 'processing_memory_status_changed', processing_memory_id: 'pm-1', processing_memory_status: 'processing', memory_id: 'typed-memory' }), reply: { status: 'stored' } },
  { name: 'memory_backward_synced', body: JSON.stringify({ type: 'memory_backward_synced', name: 'offline-batch' }), reply: { status: 'stored' } },
  { name: 'audio_bytes', body: JSON.stringify({ type: 'audio_bytes', audio: '00010203', sample_rate: 16000 }), reply: { status: 'stored' } },
  { name: 'transcript_segment', body: JSON.stringify({ type: 'transcript_segment', session_id: 'typed-session', segment: { text: 'Typed words', start_time: 0, end_time: 1.5, confidence: 0.9 } }), reply: { status: 'stored', count: 1 } },
  { name: 'Omi conversation', headers: { 'idempotency-key': 'conversation-delivery' }, body: JSON.stringify(fixture('conversation.json')), reply: { status: 'stored', type: 'memory_created' } },
  { name: 'Omi live transcript', body: fixtureBytes('realtime-transcript.compact.json'), reply: { status: 'stored', type: 'realtime_transcript', count: 2 } },
  { name: 'Omi live transcript array', query: '&session_id=phone-1', body: JSON.stringify(fixture('realtime-transcript.compact.json').segments), reply: { status: 'stored', count: 2 } },
  { name: 'Omi raw audio', query: '&sample_rate=16000', headers: { 'content-type': 'application/octet-stream' }, body: pcm(32000), reply: { status: 'stored', type: 'audio_bytes' } },
  { name: 'Omi day summary', body: JSON.stringify(fixture('day-summary.json')), reply: { status: 'stored', type: 'day_summary' } },
  { name: 'Omi button event', body: JSON.stringify(fixture('button-event.json')), reply: { status: 'stored', type: 'button_event' } }
]

async function send (baseUrl: string, example: Example): Promise<Response> {
  return await fetch(`${baseUrl}/webhook?uid=${UID}&key=${SECRET}${example.query ?? ''}`, {
    method: 'POST',
    headers: { ...json, ...example.headers },
    body: typeof example.body === 'string' ? example.body : new Uint8Array(example.body)
  })
}

t.test('deliveries survive a restart', async (t) => {
  const cwd = t.testdir()
  const env = { WEBHOOK_SECRET: SECRET, DATA_DIR: join(cwd, 'data') }
  const first = await startServer(t, env, cwd)

  for (const example of EXAMPLES) {
    const response = await send(first.url, example)

    t.equal(response.status, 200, `${example.name}: status`)
    t.match(await response.json(), example.reply, `${example.name}: reply`)
  }
  t.equal(await first.stop(), 0, 'first server exits cleanly on SIGTERM')

  const second = await startServer(t, env, cwd)
  const retry = await send(second.url, EXAMPLES.find((example) => example.name === 'Omi conversation') as Example)
  t.match(await retry.json(), { status: 'duplicate' }, 'a retried delivery is recognised after the restart')
  t.equal(await second.stop(), 0, 'second server exits cleanly on SIGTERM')

  const db = new Database(join(cwd, 'data', DATABASE_FILE), { readonly: true })
  t.teardown(() => db.close())
  const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n
  t.equal(count(`SELECT count(*) AS n FROM memories WHERE uid = '${UID}'`), 2, 'typed and Omi conversations')
  t.equal(count('SELECT count(*) AS n FROM memory_events'), 5, 'lifecycle events')
  t.equal(count('SELECT count(*) AS n FROM audio_chunks'), 2, 'hex and raw audio')
  t.equal(count('SELECT count(*) AS n FROM live_segments'), 5, 'typed segment and live segments of two sessions')
  t.equal(count('SELECT count(*) AS n FROM day_summaries'), 1, 'day summary')
  t.equal(count('SELECT count(*) AS n FROM button_events'), 1, 'button event')
  t.equal(count("SELECT count(*) AS n FROM deliveries WHERE outcome = 'duplicate'"), 1, 'the retry is logged as a duplicate')
  t.same(db.prepare('SELECT title FROM memories ORDER BY title').all(), [{ title: 'Booking the bike repair' }, { title: 'Typed' }])
})
