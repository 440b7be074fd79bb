import t from 'tap'
import { Registry } from 'prom-client'
import { build, testEnv, webhookUrl, SECRET } from './helpers/build.js'
import { KeyedCounter, KeyedHistogram } from '../src/prometheus.js'

const PCM = Buffer.alloc(32000)

t.test('metrics need the secret', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'GET', url: '/metrics' })

  t.equal(response.statusCode, 401)
})

t.test('metrics use the Prometheus format', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'GET', url: `/metrics?key=${SECRET}` })

  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  t.match(response.body, /^# HELP /)
  t.match(response.body, /\nprocess_cpu_user_seconds_total \d/)
})

t.test('metrics count deliveries by outcome', async (t) => {
  const app = await build(t)
  const audio = { method: 'POST' as const, url: webhookUrl('user_1', '&sample_rate=16000'), headers: { 'content-type': 'application/octet-stream', 'idempotency-key': 'k1' }, payload: PCM }
  await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'ping' } })
  await app.inject(audio)
  await app.inject(audio)
  await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'nothing' } })

  const body = (await app.inject({ method: 'GET', url: `/metrics?key=${SECRET}` })).body

  t.match(body, 'omi_deliveries_total{event="ping",outcome="replied"} 1')
  t.match(body, 'omi_deliveries_total{event="audio_bytes",outcome="stored"} 1')
  t.match(body, 'omi_deliveries_total{event="audio_bytes",outcome="duplicate"} 1')
  t.match(body, 'omi_deliveries_total{event="unknown",outcome="rejected"} 1')
  t.match(body, 'omi_duplicate_deliveries_total{event="audio_bytes"} 1')
  t.match(body, `omi_received_bytes_total{event="audio_bytes"} ${2 * PCM.length}`)
  t.match(body, 'http_request_duration_seconds_count{method="POST",route="/webhook",status_code="200"} 3')
  t.match(body, 'http_request_duration_seconds_bucket{method="POST",route="/webhook",status_code="200",le="+Inf"} 3')
  t.match(body, /\nhttp_request_duration_seconds_sum\{method="POST",route="\/webhook",status_code="200"\} \d/)
})

t.test('metrics label unknown routes', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'GET', url: `/nowhere?key=${SECRET}` })

  const body = (await app.inject({ method: 'GET', url: `/metrics?key=${SECRET}` })).body

  t.match(body, 'http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 1')
})

t.test('database size includes the WAL', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'POST', url: webhookUrl('user_1', '&sample_rate=16000'), headers: { 'content-type': 'application/octet-stream' }, payload: PCM })

  const body = (await app.inject({ method: 'GET', url: `/metrics?key=${SECRET}` })).body

  const size = Number(/\nomi_database_size_bytes (\d+)/.exec(body)?.[1])
  t.ok(size > PCM.length, `database size ${size} exceeds the stored audio`)
})

t.test('apps keep separate registries', async (t) => {
  const first = await build(t)
  const second = await build(t, testEnv(t))
  await first.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'ping' } })

  const body = (await second.inject({ method: 'GET', url: `/metrics?key=${SECRET}` })).body

  t.notMatch(body, 'omi_deliveries_total{event="ping"')
})

t.test('registry reset clears keyed metrics', async (t) => {
  const registry = new Registry()
  const counter = new KeyedCounter('test_events_total', 'Events.')
  const histogram = new KeyedHistogram('test_seconds', 'Durations.', [0.1, 1])
  registry.registerMetric(counter.asMetric())
  registry.registerMetric(histogram.asMetric())
  counter.inc('a', () => ({ kind: 'a' }), 2)
  histogram.observe('a', () => ({ kind: 'a' }), 0.5)

  const before = await registry.metrics()
  registry.resetMetrics()
  const after = await registry.metrics()

  t.match(before, 'test_events_total{kind="a"} 2')
  t.match(before, 'test_seconds_bucket{kind="a",le="0.1"} 0')
  t.match(before, 'test_seconds_bucket{kind="a",le="1"} 1')
  t.notMatch(after, 'kind="a"')
})
