import t from 'tap'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { build, testEnv, webhookUrl } from './helpers/build.js'
import { migrations } from '../src/storage/migrations.js'
import { DATABASE_FILE } from '../src/storage/database.js'
import { fixture, rows } from './helpers/fixtures.js'

t.test('day summary is stored', async (t) => {
  const app = await build(t)
  const summary = fixture('day-summary.json')

  const response = await app.inject({ method: 'POST', url: webhookUrl(summary.uid), payload: summary })

  t.equal(response.statusCode, 200)
  t.match(response.json(), { status: 'stored', type: 'day_summary' })
  const [row] = rows(app, 'SELECT * FROM day_summaries')
  t.equal(row.uid, summary.uid)
  t.equal(row.summary_id, '8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d')
  t.equal(row.date, '2026-10-14')
  t.equal(row.summary, summary.summary)
  t.equal(row.created_at, '2026-10-14T21:00:04.220Z')
  t.same(JSON.parse(row.summary_json), summary.summary_json)
})

t.test('summary without json is stored', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { summary: 'A quiet day.', summary_json: null } })

  t.equal(response.statusCode, 200)
  t.match(rows(app, 'SELECT summary, summary_json, summary_id, created_at FROM day_summaries'), [{ summary: 'A quiet day.', summary_json: null, summary_id: null, created_at: null }])
})

t.test('json without summary text', async (t) => {
  const app = await build(t)

  await app.inject({ method: 'POST', url: webhookUrl(), payload: { summary_json: { headline: 'x', id: 7 } } })

  t.match(rows(app, 'SELECT summary, summary_id FROM day_summaries'), [{ summary: '', summary_id: null }])
})

t.test('empty day summary gets 400', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { summary_json: null, uid: 'user_1' } })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, 'A day summary needs body/summary or body/summary_json')
})

t.test('impossible summary date gets 400', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { summary: 'x', created_at: '2026-02-30T10:00:00Z' } })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, 'body/created_at is not a real date-time: 2026-02-30T10:00:00Z')
})

t.test('resent day summary is a duplicate', async (t) => {
  const app = await build(t)
  const summary = fixture('day-summary.json')

  await app.inject({ method: 'POST', url: webhookUrl(summary.uid), payload: summary })
  const again = await app.inject({ method: 'POST', url: webhookUrl(summary.uid), payload: summary })

  t.match(again.json(), { status: 'duplicate', type: 'day_summary' })
  t.equal(rows(app, 'SELECT * FROM day_summaries').length, 1)
})

t.test('changed day summary is updated', async (t) => {
  const app = await build(t)
  const summary = fixture('day-summary.json')
  const changed = { ...summary, summary: 'A revised summary.' }

  const first = await app.inject({ method: 'POST', url: webhookUrl(summary.uid), payload: summary })
  const second = await app.inject({ method: 'POST', url: webhookUrl(summary.uid), payload: changed })

  t.match(second.json(), { status: 'updated', type: 'day_summary', id: first.json().id })
  t.same(rows(app, 'SELECT summary FROM day_summaries'), [{ summary: 'A revised summary.' }])
})

t.test('same summary id per uid', async (t) => {
  const app = await build(t)
  const summary = fixture('day-summary.json')

  await app.inject({ method: 'POST', url: webhookUrl('user_a'), payload: summary })
  const other = await app.inject({ method: 'POST', url: webhookUrl('user_b'), payload: summary })

  t.match(other.json(), { status: 'stored' })
  t.equal(rows(app, 'SELECT * FROM day_summaries').length, 2)
})

t.test('migration keeps the last copy', async (t) => {
  const env = testEnv(t)
  const db = new Database(join(env.DATA_DIR as string, DATABASE_FILE))
  for (const sql of migrations.slice(0, 3)) db.exec(sql)
  db.pragma('user_version = 3')
  const insert = db.prepare(`INSERT INTO day_summaries (uid, summary_id, summary, received_at)
    VALUES (?, ?, ?, '2026-11-30T21:00:00.000Z')`)
  insert.run('user_1', 'd-1', 'first copy')
  insert.run('user_1', 'd-1', 'second copy')
  insert.run('user_1', null, 'no id')
  insert.run('user_1', null, 'no id')
  db.close()

  const app = await build(t, env)

  t.same(rows(app, 'SELECT summary_id, summary FROM day_summaries ORDER BY seq'), [
    { summary_id: 'd-1', summary: 'second copy' },
    { summary_id: null, summary: 'no id' },
    { summary_id: null, summary: 'no id' }
  ])
})
