import t from 'tap'
import { build, webhookUrl } from './helpers/build.js'
import { fixture, rows } from './helpers/fixtures.js'

t.test('bare conversation is stored', async (t) => {
  const app = await build(t)
  const conversation = fixture('conversation.json')

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: conversation })

  t.equal(response.statusCode, 200)
  t.same(response.json(), { status: 'stored', type: 'memory_created', id: conversation.id })
  t.match(rows(app, 'SELECT * FROM memories'), [{
    uid: 'user_1',
    id: conversation.id,
    title: 'Booking the bike repair',
    emoji: '🚲',
    category: 'personal',
    source: 'omi',
    language: 'en',
    created_at: '2026-10-14T08:15:30.512Z',
    started_at: '2026-10-14T08:02:11.004Z',
    finished_at: '2026-10-14T08:14:58.771Z'
  }])
  t.same(rows(app, 'SELECT segment_id, is_user, person_id FROM conversation_segments ORDER BY position'), [
    { segment_id: 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d', is_user: 1, person_id: null },
    { segment_id: 'b1c2d3e4-f5a6-4b7c-9d8e-0f1a2b3c4d5e', is_user: 0, person_id: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f70819' }
  ])
})

t.test('every field is kept', async (t) => {
  const app = await build(t)
  const conversation = fixture('conversation.json')

  await app.inject({ method: 'POST', url: webhookUrl(), payload: conversation })

  const [row] = rows(app, 'SELECT body FROM memories')
  t.same(JSON.parse(row.body), conversation)
})

t.test('timestamp forms are read as UTC', async (t) => {
  const app = await build(t)
  const forms = {
    'ends in Z': '2026-10-14T08:15:30.512907Z',
    'ends in +00:00': '2026-10-14T08:15:30.512907+00:00',
    'has no offset': '2026-10-14T08:15:30.512907',
    'ends in +02:00': '2026-10-14T10:15:30.512907+02:00'
  }

  for (const [name, createdAt] of Object.entries(forms)) {
    const conversation = { ...fixture('conversation.json'), id: name.replaceAll(' ', '-'), created_at: createdAt }

    const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: conversation })

    t.equal(response.statusCode, 200, `${name}: status`)
    t.same(rows(app, 'SELECT created_at FROM memories WHERE id = ?', conversation.id), [{ created_at: '2026-10-14T08:15:30.512Z' }], `${name}: stored time`)
  }
})

t.test('older conversation shape is accepted', async (t) => {
  const app = await build(t)
  const conversation = {
    id: 'older-build-1',
    created_at: '2025-03-02T11:00:00Z',
    started_at: '2025-03-02T10:50:00Z',
    finished_at: null,
    deleted: false,
    structured: { title: 'Old build', overview: '', emoji: '🧪', category: 'other', action_items: [], events: [] },
    transcript_segments: [{ text: 'Hello', speaker: 'SPEAKER_00', speaker_id: 0, is_user: null, start: 0, end: 1 }],
    plugins_results: []
  }

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: conversation })

  t.equal(response.statusCode, 200)
  t.match(rows(app, 'SELECT finished_at FROM memories'), [{ finished_at: null }])
  t.match(rows(app, 'SELECT segment_id, is_user FROM conversation_segments'), [{ segment_id: null, is_user: null }])
})

t.test('conversation with an invalid segment', async (t) => {
  const app = await build(t)
  const conversation = fixture('conversation.json')
  conversation.transcript_segments[1].start = -2

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: conversation })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, 'body/transcript_segments/1/start must be >= 0')
})

t.test('conversation found by structured alone', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { id: 'c-1', structured: { title: 'x' } } })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, "body must have required property 'created_at'")
})
