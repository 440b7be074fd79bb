import t from 'tap'
import { build, webhookUrl } from './helpers/build.js'
import { fixture, rows } from './helpers/fixtures.js'

t.test('button event is stored', async (t) => {
  const app = await build(t)
  const press = fixture('button-event.json')

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: press })

  t.equal(response.statusCode, 200)
  t.same(response.json(), { status: 'stored', type: 'button_event', id: press.event_id })
  t.same(rows(app, 'SELECT uid, event_id, button_event, device_id, timestamp, session_id FROM button_events'), [{
    uid: 'user_1', event_id: press.event_id, button_event: 'long_tap', device_id: 'omi-dev-41c2', timestamp: '2026-10-14T09:12:44.118Z', session_id: null
  }])
})

t.test('repeated event id is duplicate', async (t) => {
  const app = await build(t)
  const press = fixture('button-event.json')
  await app.inject({ method: 'POST', url: webhookUrl(), payload: press })

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { ...press, button_event: 'single_tap' } })

  t.equal(response.json().status, 'duplicate')
  t.same(rows(app, 'SELECT button_event FROM button_events'), [{ button_event: 'long_tap' }])
})

t.test('button event without timestamp', async (t) => {
  const app = await build(t)
  const { timestamp, ...press } = fixture('button-event.json')

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: press })

  t.equal(response.statusCode, 200)
  t.same(rows(app, 'SELECT timestamp FROM button_events'), [{ timestamp: null }])
})

t.test('button event without id', async (t) => {
  const app = await build(t)
  const { event_id: eventId, ...press } = fixture('button-event.json')

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: press })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, "body must have required property 'event_id'")
})

t.test('button event with session', async (t) => {
  const app = await build(t)
  const { device_id: deviceId, ...press } = fixture('button-event.json')

  await app.inject({ method: 'POST', url: webhookUrl(), payload: { ...press, session_id: 'dEm0uSeR1x2y3z4a5b6c7d8e9f0g' } })

  t.same(rows(app, 'SELECT device_id, session_id FROM button_events'), [{ device_id: null, session_id: 'dEm0uSeR1x2y3z4a5b6c7d8e9f0g' }])
})
