import t from 'tap'
import { build, webhookUrl } from './helpers/build.js'
import { rows } from './helpers/fixtures.js'

const MEMORY = {
  id: 'mem-1',
  created_at: '2026-10-14T08:15:30Z',
  structured: { title: 'Bike repair', overview: 'Booked for Thursday', emoji: '🚲', category: 'personal' },
  transcript_segments: [{ id: 'seg-1', text: 'Thursday works.', speaker: 'SPEAKER_01', speaker_id: 1, is_user: false, start: 0.5, end: 2.25 }]
}

t.test('memory_created stores the conversation', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'memory_created', memory: MEMORY } })

  t.equal(response.statusCode, 200)
  t.same(response.json(), { status: 'stored', type: 'memory_created', id: 'mem-1' })
  t.match(rows(app, 'SELECT * FROM memories'), [{ uid: 'user_1', id: 'mem-1', title: 'Bike repair', created_at: '2026-10-14T08:15:30.000Z' }])
  t.match(rows(app, 'SELECT * FROM conversation_segments'), [{ memory_id: 'mem-1', segment_id: 'seg-1', is_user: 0, text: 'Thursday works.' }])
})

t.test('memory lifecycle events are stored', async (t) => {
  const app = await build(t)
  const events = [
    { event: { type: 'new_memory_create_failed' }, row: { type: 'new_memory_create_failed', memory_id: null } },
    { event: { type: 'new_processing_memory_created', processing_memory_id: 'pm-1', memory_id: 'mem-1' }, row: { processing_memory_id: 'pm-1', memory_id: 'mem-1' } },
    { event: { type: 'memory_processing_started', memory: { id: 'mem-1' } }, row: { memory_id: 'mem-1' } },
    { event: { type: 'memory_processing_started' }, row: { memory_id: null } },
    { event: { type: 'processing_memory_status_changed', processing_memory_id: 'pm-1', processing_memory_status: 'done', memory_id: 'mem-1' }, row: { status: 'done', processing_memory_id: 'pm-1' } },
    { event: { type: 'memory_backward_synced', name: 'offline-2026-10-14' }, row: { name: 'offline-2026-10-14' } }
  ]

  for (const { event, row } of events) {
    const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: event })

    t.equal(response.statusCode, 200, `${event.type}: status`)
    t.equal(response.json().status, 'stored', `${event.type}: outcome`)
    const [stored] = rows(app, 'SELECT * FROM memory_events ORDER BY seq DESC LIMIT 1')
    t.match(stored, { uid: 'user_1', type: event.type, ...row }, `${event.type}: row`)
    t.same(JSON.parse(stored.body), event, `${event.type}: body`)
  }
})

t.test('missing memory gets 400', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'memory_created' } })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, "body must have required property 'memory'")
})

t.test('memory without id gets 400', async (t) => {
  const app = await build(t)
  const { id, ...withoutId } = MEMORY

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'memory_created', memory: withoutId } })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, "body/memory must have required property 'id'")
  t.equal(rows(app, 'SELECT * FROM memories').length, 0)
})

t.test('missing status fields get 400', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'processing_memory_status_changed', processing_memory_id: 'pm-1' } })

  t.equal(response.statusCode, 400)
  t.match(response.json().message, "body must have required property 'processing_memory_status'")
})

t.test('unknown fields are kept', async (t) => {
  const app = await build(t)
  const memory = { ...MEMORY, future_field: { nested: [1, 2] }, structured: { ...MEMORY.structured, mood: 'calm' } }

  await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'memory_created', memory } })

  const [row] = rows(app, 'SELECT body FROM memories')
  t.same(JSON.parse(row.body).future_field, { nested: [1, 2] })
  t.equal(JSON.parse(row.body).structured.mood, 'calm')
})

t.test('redelivery with new title updates', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'memory_created', memory: MEMORY } })
  const changed = { ...MEMORY, structured: { ...MEMORY.structured, title: 'Bike repair on Thursday' } }

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'memory_created', memory: changed } })

  t.equal(response.json().status, 'updated')
  t.match(rows(app, 'SELECT title FROM memories'), [{ title: 'Bike repair on Thursday' }])
  t.equal(rows(app, 'SELECT * FROM memories').length, 1)
})

t.test('identical redelivery is a duplicate', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'memory_created', memory: MEMORY } })

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'memory_created', memory: MEMORY } })

  t.equal(response.json().status, 'duplicate')
  t.equal(rows(app, 'SELECT * FROM memories').length, 1)
  t.same(rows(app, 'SELECT outcome FROM deliveries ORDER BY seq'), [{ outcome: 'stored' }, { outcome: 'duplicate' }])
})

t.test('same id for another uid', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'POST', url: webhookUrl('alice'), payload: { type: 'memory_created', memory: MEMORY } })

  const response = await app.inject({ method: 'POST', url: webhookUrl('bob'), payload: { type: 'memory_created', memory: MEMORY } })

  t.equal(response.json().status, 'stored')
  t.same(rows(app, 'SELECT uid FROM memories ORDER BY uid'), [{ uid: 'alice' }, { uid: 'bob' }])
})

t.test('impossible date gets 400', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'memory_created', memory: { ...MEMORY, finished_at: '2026-13-45T99:99:00Z' } } })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, 'body/memory/finished_at is not a real date-time: 2026-13-45T99:99:00Z')
})

t.test('malformed timestamp gets 400', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'memory_created', memory: { ...MEMORY, created_at: 'yesterday' } } })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, 'body/memory/created_at must be an ISO 8601 date-time such as 2026-11-30T16:42:07Z')
})

t.test('minimal memory stores nulls', async (t) => {
  const app = await build(t)
  const memory = { id: 'bare', created_at: '2026-10-14T08:15:30Z', transcript_segments: [{ text: 'Hi', start: 0, end: 1 }] }

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'memory_created', memory } })

  t.equal(response.statusCode, 200)
  t.match(rows(app, 'SELECT title, source, started_at FROM memories'), [{ title: null, source: null, started_at: null }])
  t.match(rows(app, 'SELECT speaker, speaker_id, person_id FROM conversation_segments'), [{ speaker: null, speaker_id: null, person_id: null }])
})
