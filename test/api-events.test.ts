import t from 'tap'
import { build } from './helpers/build.js'
import { apiUrl, conversation, deliver, readAllPages } from './helpers/api.js'

const DAY_SUMMARY = {
  summary: 'Garden planning and errands',
  summary_json: { id: '4d2c8e1a', date: '2026-11-30', headline: 'Garden planning and errands', stats: { total_conversations: 2 } },
  uid: 'user_1',
  created_at: '2026-11-30T21:00:03.120044+00:00'
}

t.test('day summaries newest first', async (t) => {
  const app = await build(t)
  await deliver(app, 'user_1', DAY_SUMMARY)
  await deliver(app, 'user_1', { type: 'day_summary', summary: 'Quiet day' })

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/day-summaries') })

  t.equal(response.statusCode, 200)
  const [latest, first] = response.json().items
  t.equal(latest.summary, 'Quiet day')
  t.equal(latest.summary_json, null)
  t.equal(first.summary_id, '4d2c8e1a')
  t.equal(first.date, '2026-11-30')
  t.same(first.summary_json, DAY_SUMMARY.summary_json)
  t.equal(first.created_at, '2026-11-30T21:00:03.120Z')
  t.equal(response.json().next_cursor, null)
})

t.test('day summaries page without gaps', async (t) => {
  const app = await build(t)
  for (let i = 0; i < 7; i++) await deliver(app, 'user_1', { type: 'day_summary', summary: `day ${i}` })

  const { items, pages } = await readAllPages<{ summary: string }>(app, apiUrl('user_1', '/day-summaries', 'limit=3'))

  t.equal(pages, 3)
  t.same(items.map((item) => item.summary), ['day 6', 'day 5', 'day 4', 'day 3', 'day 2', 'day 1', 'day 0'])
})

t.test('events list the delivery log', async (t) => {
  const app = await build(t)
  await deliver(app, 'user_1', conversation({ id: 'c1' }))
  await app.inject({
    method: 'POST',
    url: '/webhook?uid=user_1&key=test-secret-0123456789abcdef',
    headers: { 'idempotency-key': 'delivery-1' },
    payload: DAY_SUMMARY
  })
  await app.inject({ method: 'POST', url: '/webhook?uid=user_1&key=test-secret-0123456789abcdef', payload: { type: 'memory_created', memory: { id: 'x' } } })
  // The rejection is logged after the reply; a later write commits after it.
  await app.storage.write(() => null)

  const all = await app.inject({ method: 'GET', url: apiUrl('user_1', '/events') })
  const memories = await app.inject({ method: 'GET', url: apiUrl('user_1', '/events', 'type=memory_created') })

  t.equal(all.statusCode, 200)
  t.same(all.json().items.map((item: { outcome: string }) => item.outcome), ['rejected', 'stored', 'stored'])
  const summary = all.json().items[1]
  t.equal(summary.type, 'day_summary')
  t.equal(summary.idempotency_key, 'delivery-1')
  t.equal(summary.status_code, 200)
  t.equal(summary.size, Buffer.byteLength(JSON.stringify(DAY_SUMMARY)))
  t.same(memories.json().items.map((item: { status_code: number }) => item.status_code), [400, 200])
})

t.test('events page without gaps', async (t) => {
  const app = await build(t)
  for (let i = 0; i < 5; i++) await deliver(app, 'user_1', conversation({ id: `c${i}` }))

  const { items, pages } = await readAllPages<{ seq: number }>(app, apiUrl('user_1', '/events', 'limit=2'))

  t.equal(pages, 3)
  t.equal(new Set(items.map((item) => item.seq)).size, 5)
})
