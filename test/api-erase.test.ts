import { existsSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { build, testEnv, webhookUrl } from './helpers/build.js'
import { apiUrl, conversation, deliver, deliverAudio } from './helpers/api.js'

/** Counts the rows of `uid` in every table with a uid column, and the search entries of its conversations. */
function countRows (app: FastifyInstance, uid: string): Record<string, number> {
  const db = app.storage.db
  const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'
    AND EXISTS (SELECT 1 FROM pragma_table_info(sqlite_schema.name) WHERE name = 'uid') ORDER BY name`).all() as Array<{ name: string }>
  const counts: Record<string, number> = {}
  for (const { name } of tables) {
    counts[name] = (db.prepare(`SELECT count(*) AS n FROM "${name}" WHERE uid = ?`).get(uid) as { n: number }).n
  }
  counts.conversation_search = (db.prepare(`SELECT count(*) AS n FROM conversation_search
    WHERE rowid IN (SELECT rowid FROM conversation_search_keys WHERE uid = ?)`).get(uid) as { n: number }).n
  return counts
}

function countSearchEntries (app: FastifyInstance): number {
  return (app.storage.db.prepare('SELECT count(*) AS n FROM conversation_search').get() as { n: number }).n
}

async function storeEverything (app: FastifyInstance, uid: string): Promise<void> {
  await deliver(app, uid, conversation({ id: 'garden', title: 'Garden', segments: [{ text: 'compost', start: 0, end: 1 }] }))
  await deliver(app, uid, { type: 'memory_created', memory: conversation({ id: 'typed' }) })
  await deliver(app, uid, { type: 'processing_memory_status_changed', processing_memory_id: 'p1', processing_memory_status: 'done', memory_id: 'garden' })
  await deliver(app, uid, { session_id: uid, segments: [{ id: 's1', text: 'live words', start: 0, end: 1 }] })
  await deliverAudio(app, uid, Buffer.alloc(3200))
  await deliver(app, uid, { summary: 'A day', summary_json: null })
  await deliver(app, uid, { event_type: 'button_event', button_event: 'single_tap', event_id: `${uid}-press` })
  await app.inject({ method: 'POST', url: webhookUrl(uid), headers: { 'idempotency-key': `${uid}-key` }, payload: { type: 'day_summary', summary: 'again' } })
}

t.test('user erasure leaves no rows', async (t) => {
  const app = await build(t)
  await storeEverything(app, 'user_1')
  await storeEverything(app, 'user_2')
  const before = countRows(app, 'user_1')

  const response = await app.inject({ method: 'DELETE', url: apiUrl('user_1') })

  t.equal(response.statusCode, 204)
  t.equal(response.body, '')
  for (const [table, count] of Object.entries(before)) t.ok(count > 0, `user_1 had rows in ${table}`)
  for (const [table, count] of Object.entries(countRows(app, 'user_1'))) t.equal(count, 0, `user_1 rows left in ${table}`)
  for (const [table, count] of Object.entries(countRows(app, 'user_2'))) t.ok(count > 0, `user_2 keeps rows in ${table}`)
  t.equal(countSearchEntries(app), 2, 'only user_2 search entries remain')
  t.notOk(existsSync(join(app.config.DATA_DIR, 'audio', 'user_1')), 'user_1 audio files are gone')
  t.ok(existsSync(join(app.config.DATA_DIR, 'audio', 'user_2')), 'user_2 keeps its audio files')
})

t.test('erase log counts audio pieces', async (t) => {
  const lines: string[] = []
  const app = await build(t, testEnv(t, { LOG_LEVEL: 'info' }), { write: (line) => { lines.push(line) } })
  await deliverAudio(app, 'user_1', Buffer.alloc(3200))
  await deliverAudio(app, 'user_1', Buffer.alloc(3200))

  await app.inject({ method: 'DELETE', url: apiUrl('user_1') })

  const entry = lines.map((line) => JSON.parse(line) as { msg: string, deleted?: Record<string, number> })
    .find((line) => line.msg === 'erased all data of a user')
  t.equal(entry?.deleted?.audio_chunks, 2)
})

t.test('erased user reads as empty', async (t) => {
  const app = await build(t)
  await storeEverything(app, 'user_1')

  await app.inject({ method: 'DELETE', url: apiUrl('user_1') })
  const search = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations', 'q=compost') })
  const audio = await app.inject({ method: 'GET', url: apiUrl('user_1', '/audio') })
  const again = await app.inject({ method: 'DELETE', url: apiUrl('user_1') })

  t.same(search.json().items, [])
  t.equal(audio.statusCode, 404)
  t.equal(again.statusCode, 204)
})

t.test('idempotency keys are erased too', async (t) => {
  const app = await build(t)
  const request = { method: 'POST' as const, url: webhookUrl('user_1'), headers: { 'idempotency-key': 'k1' }, payload: { type: 'day_summary', summary: 'x' } }
  await app.inject(request)

  await app.inject({ method: 'DELETE', url: apiUrl('user_1') })
  const redelivery = await app.inject(request)

  t.equal(redelivery.json().status, 'stored')
})

t.test('conversation erasure removes its traces', async (t) => {
  const app = await build(t)
  await storeEverything(app, 'user_1')
  await storeEverything(app, 'user_2')
  const db = app.storage.db

  const response = await app.inject({ method: 'DELETE', url: apiUrl('user_1', '/conversations/garden') })

  t.equal(response.statusCode, 204)
  t.equal(db.prepare('SELECT count(*) AS n FROM memories WHERE uid = ? AND id = ?').pluck().get('user_1', 'garden'), 0)
  t.equal(db.prepare('SELECT count(*) AS n FROM conversation_segments WHERE uid = ? AND memory_id = ?').pluck().get('user_1', 'garden'), 0)
  t.equal(db.prepare('SELECT count(*) AS n FROM memory_events WHERE uid = ? AND memory_id = ?').pluck().get('user_1', 'garden'), 0)
  t.equal(db.prepare('SELECT count(*) AS n FROM conversation_search_keys WHERE uid = ? AND memory_id = ?').pluck().get('user_1', 'garden'), 0)
  t.equal(countSearchEntries(app), 3, 'search entries of the other conversations remain')
  t.equal(db.prepare('SELECT count(*) AS n FROM memories WHERE uid = ?').pluck().get('user_1'), 1, 'other conversation kept')
  t.equal(db.prepare('SELECT count(*) AS n FROM memories WHERE id = ?').pluck().get('garden'), 1, 'same id of another user kept')
})

t.test('erased conversation is not found', async (t) => {
  const app = await build(t)
  await deliver(app, 'user_1', conversation({ id: 'garden', title: 'Garden' }))

  await app.inject({ method: 'DELETE', url: apiUrl('user_1', '/conversations/garden') })
  const detail = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations/garden') })
  const search = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations', 'q=garden') })

  t.equal(detail.statusCode, 404)
  t.same(search.json().items, [])
})
