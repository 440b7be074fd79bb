import t from 'tap'
import { build, webhookUrl } from './helpers/build.js'
import { fixture, fixtureBytes, rows } from './helpers/fixtures.js'

const UID = 'dEm0uSeR1x2y3z4a5b6c7d8e9f0g'

function segment (id: string, text: string, start: number, end: number): Record<string, unknown> {
  return { id, text, speaker: 'SPEAKER_00', speaker_id: 0, is_user: true, person_id: null, start, end, translations: [] }
}

t.test('session object shape is stored', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(UID), headers: { 'content-type': 'application/json' }, payload: fixtureBytes('realtime-transcript.compact.json') })

  t.equal(response.statusCode, 200)
  t.same(response.json(), { status: 'stored', type: 'realtime_transcript', count: 2 })
  t.same(rows(app, 'SELECT uid, session_id, segment_id, text, is_user, start, end FROM live_segments ORDER BY start'), [
    { uid: UID, session_id: UID, segment_id: 'f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b', text: 'Remind me to water the tomato seedlings tonight.', is_user: 1, start: 41.36, end: 44.12 },
    { uid: UID, session_id: UID, segment_id: '0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d', text: 'Sure, and the basil needs repotting too.', is_user: 0, start: 44.7, end: 47.05 }
  ])
})

t.test('bare array with session query', async (t) => {
  const app = await build(t)
  const { segments } = fixture('realtime-transcript.compact.json')

  const response = await app.inject({ method: 'POST', url: webhookUrl(UID, '&session_id=phone-42'), payload: segments })

  t.equal(response.statusCode, 200)
  t.same(rows(app, 'SELECT DISTINCT session_id FROM live_segments'), [{ session_id: 'phone-42' }])
})

t.test('bare array without session', async (t) => {
  const app = await build(t)

  await app.inject({ method: 'POST', url: webhookUrl(), payload: [segment('s1', 'Hi', 0, 1)] })

  t.same(rows(app, 'SELECT session_id FROM live_segments'), [{ session_id: 'default' }])
})

t.test('growing segment replaces its text', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'POST', url: webhookUrl(), payload: { session_id: 'user_1', segments: [segment('s1', 'Remind me', 1, 2)] } })

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { session_id: 'user_1', segments: [segment('s1', 'Remind me to call the shop', 1, 3.5), segment('s2', 'Okay', 4, 4.5)] } })

  t.equal(response.statusCode, 200)
  t.same(rows(app, 'SELECT segment_id, text, end FROM live_segments ORDER BY start'), [
    { segment_id: 's1', text: 'Remind me to call the shop', end: 3.5 },
    { segment_id: 's2', text: 'Okay', end: 4.5 }
  ])
})

t.test('repeated segment stays one row', async (t) => {
  const app = await build(t)
  const payload = { session_id: 'user_1', segments: [segment('s1', 'Same words', 1, 2)] }
  await app.inject({ method: 'POST', url: webhookUrl(), payload })

  await app.inject({ method: 'POST', url: webhookUrl(), payload })

  t.equal(rows(app, 'SELECT * FROM live_segments').length, 1)
})

t.test('segment without id keyed by start', async (t) => {
  const app = await build(t)
  const { id, ...withoutId } = segment('unused', 'No id', 7.25, 8)

  await app.inject({ method: 'POST', url: webhookUrl(), payload: { segments: [withoutId] } })

  t.same(rows(app, 'SELECT segment_id FROM live_segments'), [{ segment_id: 'start:7.25' }])
})

t.test('segment ending before start', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { segments: [segment('s1', 'a', 0, 1), segment('s2', 'b', 5, 4)] } })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, 'body/segments/1/end must not be before start (got 4 < 5)')
  t.equal(rows(app, 'SELECT * FROM live_segments').length, 0)
})

t.test('bare array error names its index', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: [segment('s1', 'a', 0, 1), segment('s2', 'b', 5, 4)] })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, 'body/1/end must not be before start (got 4 < 5)')
})

t.test('bare array validation names its index', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: [{ id: 's1', text: 'a', start: -1, end: 1 }] })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, 'body/0/start must be >= 0')
})

t.test('replies never contain message', async (t) => {
  const app = await build(t)
  const deliveries = [
    { segments: [segment('s1', 'Remind me to water the plants', 0, 2)] },
    { segments: [] },
    [segment('s2', 'Another one', 2, 3)]
  ]

  for (const payload of deliveries) {
    const response = await app.inject({ method: 'POST', url: webhookUrl(), payload })

    t.equal(response.statusCode, 200)
    t.notOk('message' in response.json(), 'no message field')
  }
})
