import t from 'tap'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { build, testEnv } from './helpers/build.js'
import { Storage } from '../src/storage/storage.js'
import { DATABASE_FILE } from '../src/storage/database.js'
import { applyRetention, BATCH_SIZE } from '../src/retention.js'

const NOW = new Date('2030-06-15T12:00:00.000Z')
const OLD = '2030-06-01T00:00:00.000Z'
const RECENT = '2030-06-15T11:00:00.000Z'

/** Inserts one row into each table that retention handles, per timestamp, as if received then. */
function seed (storage: Storage, receivedAt: string[]): void {
  const db = storage.db
  receivedAt.forEach((time, index) => {
    const seq = db.prepare(`INSERT INTO deliveries (uid, type, received_at, size, outcome, status_code, idempotency_key)
      VALUES ('u', 'ping', ?, 1, 'stored', 200, ?)`).run(time, `key-${index}`).lastInsertRowid
    db.prepare('INSERT INTO idempotency_keys (uid, key, delivery_seq) VALUES (?, ?, ?)').run('u', `key-${index}`, seq)
    db.prepare('INSERT INTO audio_chunks (uid, received_at, sample_rate, byte_length, pcm) VALUES (?, ?, 16000, 4, ?)')
      .run('u', time, Buffer.alloc(4))
    db.prepare("INSERT INTO memory_events (uid, type, body, received_at) VALUES ('u', 'memory_backward_synced', '{}', ?)").run(time)
    db.prepare("INSERT INTO day_summaries (uid, summary, received_at) VALUES ('u', 'text', ?)").run(time)
    db.prepare(`INSERT INTO live_segments (uid, session_id, segment_id, text, start, end, body, received_at, updated_at)
      VALUES ('u', 's', ?, 'text', 0, 1, '{}', ?, ?)`).run(`segment-${index}`, time, time)
    db.prepare(`INSERT INTO memories (uid, id, body, received_at, updated_at) VALUES ('u', ?, '{}', ?, ?)`).run(`memory-${index}`, time, time)
  })
}

function count (storage: Storage, table: string): number {
  return (storage.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
}

t.test('audio retention keeps recent audio', async (t) => {
  const storage = new Storage(t.testdir())
  t.teardown(() => storage.close())
  seed(storage, [OLD, RECENT])

  const deleted = await applyRetention(storage, { audioDays: 7, dataDays: 0 }, NOW)

  t.same(deleted, { audio_chunks: 1 })
  t.equal(count(storage, 'audio_chunks'), 1)
  t.equal(count(storage, 'deliveries'), 2)
})

t.test('data retention deletes old rows', async (t) => {
  const storage = new Storage(t.testdir())
  t.teardown(() => storage.close())
  seed(storage, [OLD, RECENT])

  const deleted = await applyRetention(storage, { audioDays: 0, dataDays: 7 }, NOW)

  t.same(deleted, { deliveries: 1, memory_events: 1, day_summaries: 1, live_segments: 1 })
  t.equal(count(storage, 'idempotency_keys'), 1)
  t.equal(count(storage, 'audio_chunks'), 2)
  t.equal(count(storage, 'memories'), 2)
})

t.test('retention deletes in several batches', async (t) => {
  const storage = new Storage(t.testdir())
  t.teardown(() => storage.close())
  seed(storage, Array.from({ length: BATCH_SIZE + 1 }, () => OLD))

  const deleted = await applyRetention(storage, { audioDays: 1, dataDays: 1 }, NOW)

  t.equal(deleted.audio_chunks, BATCH_SIZE + 1)
  t.equal(deleted.deliveries, BATCH_SIZE + 1)
  t.equal(count(storage, 'idempotency_keys'), 0)
})

t.test('retention shrinks the database file', async (t) => {
  const storage = new Storage(t.testdir())
  t.teardown(() => storage.close())
  const insert = storage.db.prepare('INSERT INTO audio_chunks (uid, received_at, sample_rate, byte_length, pcm) VALUES (?, ?, 16000, ?, ?)')
  for (let i = 0; i < 64; i++) insert.run('u', OLD, 32000, Buffer.alloc(32000))
  storage.db.pragma('wal_checkpoint(TRUNCATE)')
  const pagesBefore = storage.db.pragma('page_count', { simple: true }) as number

  await applyRetention(storage, { audioDays: 1, dataDays: 0 }, NOW)

  const pagesAfter = storage.db.pragma('page_count', { simple: true }) as number
  t.ok(pagesAfter < pagesBefore / 10, `pages went from ${pagesBefore} to ${pagesAfter}`)
  t.equal(storage.db.pragma('freelist_count', { simple: true }), 0)
})

t.test('retention runs when the app starts', async (t) => {
  const env = testEnv(t, { AUDIO_RETENTION_DAYS: '1', DATA_RETENTION_DAYS: '1' })
  const storage = new Storage(env.DATA_DIR as string)
  seed(storage, ['2000-01-01T00:00:00.000Z'])
  storage.close()

  const app = await build(t, env)
  await app.close()

  const db = new Database(join(env.DATA_DIR as string, DATABASE_FILE), { readonly: true })
  t.teardown(() => db.close())
  t.equal((db.prepare('SELECT count(*) AS n FROM audio_chunks').get() as { n: number }).n, 0)
  t.equal((db.prepare('SELECT count(*) AS n FROM deliveries').get() as { n: number }).n, 0)
})

t.test('failed retention run is logged', async (t) => {
  const lines: string[] = []
  const env = testEnv(t, { AUDIO_RETENTION_DAYS: '1' })
  const storage = new Storage(env.DATA_DIR as string)
  storage.db.exec('DROP TABLE audio_chunks')
  storage.close()

  const app = await build(t, env, { write: (line) => { lines.push(line) } })
  await app.close()

  t.match(lines.join(''), '"msg":"retention run failed"')
  t.match(lines.join(''), 'no such table: audio_chunks')
})
