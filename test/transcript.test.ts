import t from 'tap'
import { build, webhookUrl } from './helpers/build.js'
import { rows } from './helpers/fixtures.js'

const SEGMENT = { text: 'Bring the bike before ten.', start_time: 1.5, end_time: 3.25, confidence: 0.92 }

t.test('transcript segment is stored', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'transcript_segment', session_id: 'session-7', segment: SEGMENT } })

  t.equal(response.statusCode, 200)
  t.same(response.json(), { status: 'stored', type: 'transcript_segment', count: 1 })
  t.match(rows(app, 'SELECT * FROM live_segments'), [{
    uid: 'user_1', session_id: 'session-7', text: SEGMENT.text, start: 1.5, end: 3.25, confidence: 0.92
  }])
})

t.test('segment without session uses default', async (t) => {
  const app = await build(t)

  await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'transcript_segment', segment: SEGMENT } })

  t.same(rows(app, 'SELECT session_id FROM live_segments'), [{ session_id: 'default' }])
})

t.test('retried typed segment stored once', async (t) => {
  const app = await build(t)
  const longer = { ...SEGMENT, text: `${SEGMENT.text} and more` }

  await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'transcript_segment', segment: SEGMENT } })
  await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'transcript_segment', segment: SEGMENT } })
  await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'transcript_segment', segment: longer } })

  t.same(rows(app, 'SELECT segment_id, text FROM live_segments'), [{ segment_id: `start:${SEGMENT.start_time}`, text: longer.text }])
})

t.test('invalid segments get 400', async (t) => {
  const app = await build(t)
  const cases = [
    { name: 'empty text', segment: { ...SEGMENT, text: '' }, message: 'body/segment/text must NOT have fewer than 1 characters' },
    { name: 'negative start', segment: { ...SEGMENT, start_time: -1 }, message: 'body/segment/start_time must be >= 0' },
    { name: 'negative end', segment: { ...SEGMENT, end_time: -0.5 }, message: 'body/segment/end_time must be >= 0' },
    { name: 'end before start', segment: { ...SEGMENT, start_time: 5, end_time: 4 }, message: 'body/segment/end_time must not be before start_time (got 4 < 5)' },
    { name: 'confidence above 1', segment: { ...SEGMENT, confidence: 1.01 }, message: 'body/segment/confidence must be <= 1' },
    { name: 'missing confidence', segment: { text: 'x', start_time: 0, end_time: 1 }, message: "body/segment must have required property 'confidence'" }
  ]

  for (const { name, segment, message } of cases) {
    const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'transcript_segment', segment } })

    t.equal(response.statusCode, 400, `${name}: status`)
    t.equal(response.json().message, message, `${name}: message`)
  }
  t.equal(rows(app, 'SELECT * FROM live_segments').length, 0)
})

t.test('transcript reply has no message', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'transcript_segment', segment: SEGMENT } })

  t.notOk('message' in response.json())
})
