import t from 'tap'
import { build, webhookUrl } from './helpers/build.js'
import { fixture, rows } from './helpers/fixtures.js'

const HEADERS = ['Idempotency-Key', 'X-Omi-Idempotency-Key', 'X-Omi-Delivery']

t.test('repeated key is a duplicate', async (t) => {
  for (const header of HEADERS) {
    const app = await build(t)
    const headers = { [header]: '5f0c9a7e-1d2b-4c3a-8e4f-6a7b8c9d0e1f' }
    await app.inject({ method: 'POST', url: webhookUrl(), headers, payload: { summary: 'First attempt' } })

    const response = await app.inject({ method: 'POST', url: webhookUrl(), headers, payload: { summary: 'Second attempt' } })

    t.equal(response.statusCode, 200, `${header}: status`)
    t.same(response.json(), { status: 'duplicate', type: 'day_summary' }, `${header}: reply`)
    t.same(rows(app, 'SELECT summary FROM day_summaries'), [{ summary: 'First attempt' }], `${header}: stored once`)
    t.same(rows(app, 'SELECT outcome, status_code, idempotency_key FROM deliveries ORDER BY seq'), [
      { outcome: 'stored', status_code: 200, idempotency_key: headers[header] },
      { outcome: 'duplicate', status_code: 200, idempotency_key: headers[header] }
    ], `${header}: both deliveries logged`)
  }
})

t.test('same key for another uid', async (t) => {
  const app = await build(t)
  const headers = { 'idempotency-key': 'shared-key' }
  await app.inject({ method: 'POST', url: webhookUrl('alice'), headers, payload: { summary: 'Alice' } })

  const response = await app.inject({ method: 'POST', url: webhookUrl('bob'), headers, payload: { summary: 'Bob' } })

  t.equal(response.json().status, 'stored')
  t.same(rows(app, 'SELECT uid FROM day_summaries ORDER BY seq'), [{ uid: 'alice' }, { uid: 'bob' }])
})

t.test('different keys are both stored', async (t) => {
  const app = await build(t)

  await app.inject({ method: 'POST', url: webhookUrl(), headers: { 'idempotency-key': 'k1' }, payload: { summary: 'One' } })
  await app.inject({ method: 'POST', url: webhookUrl(), headers: { 'idempotency-key': 'k2' }, payload: { summary: 'Two' } })

  t.equal(rows(app, 'SELECT * FROM day_summaries').length, 2)
})

t.test('retried conversation stored once', async (t) => {
  const app = await build(t)
  const headers = { 'idempotency-key': 'conversation-attempt' }
  await app.inject({ method: 'POST', url: webhookUrl(), headers, payload: fixture('conversation.json') })

  const response = await app.inject({ method: 'POST', url: webhookUrl(), headers, payload: fixture('conversation.json') })

  t.equal(response.json().status, 'duplicate')
  t.equal(rows(app, 'SELECT * FROM memories').length, 1)
})

t.test('rejected delivery does not claim key', async (t) => {
  const app = await build(t)
  const headers = { 'idempotency-key': 'retry-after-fix' }
  await app.inject({ method: 'POST', url: webhookUrl(), headers, payload: { summary_json: null } })

  const response = await app.inject({ method: 'POST', url: webhookUrl(), headers, payload: { summary: 'Fixed' } })

  t.equal(response.json().status, 'stored')
})

t.test('overlong key gets 400', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), headers: { 'idempotency-key': 'k'.repeat(201) }, payload: { summary: 'x' } })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, 'headers/idempotency-key must NOT have more than 200 characters')
})
