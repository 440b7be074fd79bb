import t from 'tap'
import { build, webhookUrl } from './helpers/build.js'
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
