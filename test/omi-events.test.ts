import t from 'tap'
import { build, webhookUrl } from './helpers/build.js'
import { committed, fixture, pcm, rows } from './helpers/fixtures.js'
import { ACCEPTED_SHAPES, OMI_EVENT_KINDS } from '../src/webhook/recognise.js'

t.test('event header names each kind', async (t) => {
  const app = await build(t)
  const deliveries = [
    { kind: 'memory_created', payload: fixture('conversation.json'), table: 'memories' },
    { kind: 'realtime_transcript', payload: fixture('realtime-transcript.compact.json'), table: 'live_segments' },
    { kind: 'day_summary', payload: fixture('day-summary.json'), table: 'day_summaries' },
    { kind: 'button_event', payload: fixture('button-event.json'), table: 'button_events' }
  ]

  for (const { kind, payload, table } of deliveries) {
    const response = await app.inject({ method: 'POST', url: webhookUrl(), headers: { 'x-omi-event': kind }, payload })

    t.equal(response.statusCode, 200, `${kind}: status`)
    t.equal(response.json().type, kind, `${kind}: type`)
    t.ok(rows(app, `SELECT * FROM ${table}`).length > 0, `${kind}: stored in ${table}`)
  }
  const audio = await app.inject({ method: 'POST', url: webhookUrl('user_1', '&sample_rate=16000'), headers: { 'content-type': 'application/octet-stream', 'x-omi-event': 'audio_bytes' }, payload: pcm(64) })
  t.equal(audio.json().type, 'audio_bytes')
  t.same(OMI_EVENT_KINDS, ['memory_created', 'realtime_transcript', 'audio_bytes', 'day_summary', 'button_event'])
})

t.test('header decides over the shape', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), headers: { 'x-omi-event': 'day_summary' }, payload: { summary: 'x', segments: [] } })

  t.equal(response.json().type, 'day_summary')
})

t.test('header kind needs matching body', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), headers: { 'x-omi-event': 'button_event' }, payload: [1] })

  t.equal(response.statusCode, 400)
  t.equal(response.json().code, 'OMI_UNKNOWN_SHAPE')
})

t.test('unknown event header gets 400', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), headers: { 'x-omi-event': 'conversation_deleted' }, payload: fixture('conversation.json') })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, 'X-Omi-Event "conversation_deleted" is not a known kind; expected one of: memory_created, realtime_transcript, audio_bytes, day_summary, button_event')
  await committed(app)
  t.match(rows(app, 'SELECT type, outcome, status_code FROM deliveries'), [{ type: 'conversation_deleted', outcome: 'rejected', status_code: 400 }])
})

t.test('unknown shape lists accepted shapes', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { hello: 'world' } })

  t.equal(response.statusCode, 400)
  t.equal(response.json().code, 'OMI_UNKNOWN_SHAPE')
  t.equal(response.json().message, `The body matches no known delivery. Send ${ACCEPTED_SHAPES}.`)
})

t.test('object with id alone', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { id: 'x' } })

  t.equal(response.json().code, 'OMI_UNKNOWN_SHAPE')
})
