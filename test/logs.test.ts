import t from 'tap'
import { computeSignature } from '../src/webhook/signature.js'
import { build, testEnv, SECRET } from './helpers/build.js'

const SIGNING_SECRET = 'whsec_logTestSigningSecret0123456789'
const BASIC = Buffer.from(`omi:${SECRET}`).toString('base64')
// Text that only ever appears in request bodies, so any occurrence in the log is a leak.
const PRIVATE_TEXT = ['Tomato seedling plan', 'water the basil at dawn', 'the live caption words', 'summary of a quiet day']

interface Delivery {
  url: string
  body: string | Buffer
  contentType?: string
  headers?: Record<string, string>
  sign?: boolean
}

const conversation = {
  id: 'conversation-1',
  created_at: '2030-01-01T10:00:00+00:00',
  structured: { title: PRIVATE_TEXT[0], overview: 'overview' },
  transcript_segments: [{ text: PRIVATE_TEXT[1], start: 0, end: 1 }]
}

const SESSION: Delivery[] = [
  { url: `/webhook?uid=user_1&key=${SECRET}`, body: JSON.stringify({ type: 'ping' }) },
  { url: `/webhook?uid=user_1&key=${SECRET}`, body: JSON.stringify({ type: 'memory_created', memory: conversation }) },
  { url: `/webhook?key=${SECRET}?uid=user_1`, body: JSON.stringify({ ...conversation, id: 'conversation-2' }) },
  {
    url: '/webhook?uid=user_1',
    body: JSON.stringify({ session_id: 'user_1', segments: [{ id: 's1', text: PRIVATE_TEXT[2], start: 0, end: 1 }] }),
    headers: { authorization: `Basic ${BASIC}` }
  },
  {
    url: '/webhook?uid=user_1&sample_rate=16000',
    body: Buffer.alloc(3200),
    contentType: 'application/octet-stream',
    headers: { authorization: `Bearer ${SECRET}`, 'idempotency-key': 'audio-1' }
  },
  {
    url: '/webhook?uid=user_1&sample_rate=16000',
    body: Buffer.alloc(3200),
    contentType: 'application/octet-stream',
    headers: { authorization: `Bearer ${SECRET}`, 'idempotency-key': 'audio-1' }
  },
  { url: `/webhook?uid=user_1&key=${SECRET}`, body: JSON.stringify({ summary: PRIVATE_TEXT[3], summary_json: null }), sign: false },
  { url: '/webhook?uid=user_1&key=wrong-secret-0123456789', body: JSON.stringify({ type: 'ping' }) },
  { url: `/webhook?uid=user_1&key=${SECRET}`, body: JSON.stringify({ type: 'memory_created', memory: { ...conversation, padding: 'x'.repeat(70_000) } }) },
  { url: `/webhook?uid=user_1&key=${SECRET}`, body: JSON.stringify({ type: 'new_memory_create_failed' }) }
]

t.test('session log has no secrets', async (t) => {
  const lines: string[] = []
  const env = testEnv(t, { LOG_LEVEL: 'trace', OMI_SIGNING_SECRET: SIGNING_SECRET, JSON_BODY_LIMIT: '65536' })
  const app = await build(t, env, { write: (line) => { lines.push(line) } })
  // A missing table makes the memory-event write fail, which is a real 500 path.
  app.storage.db.exec('DROP TABLE memory_events')

  const statusCodes: number[] = []
  for (const delivery of SESSION) {
    const body = typeof delivery.body === 'string' ? Buffer.from(delivery.body) : delivery.body
    const timestamp = Math.floor(Date.now() / 1000)
    const signature = computeSignature(SIGNING_SECRET, timestamp, 'user_1', body).toString('hex')
    const response = await app.inject({
      method: 'POST',
      url: delivery.url,
      payload: body,
      headers: {
        'content-type': delivery.contentType ?? 'application/json',
        ...(delivery.sign === false ? {} : { 'x-omi-signature': `t=${timestamp},v1=${signature}` }),
        ...delivery.headers
      }
    })
    statusCodes.push(response.statusCode)
  }
  const log = lines.join('')

  t.same(statusCodes, [200, 200, 200, 200, 200, 200, 401, 401, 413, 500])
  t.notMatch(log, SECRET, 'webhook secret')
  t.notMatch(log, SIGNING_SECRET, 'signing secret')
  t.notMatch(log, BASIC, 'Basic credentials')
  for (const text of PRIVATE_TEXT) t.notMatch(log, text, `body text "${text}"`)
  t.match(log, '"msg":"request failed"')
})

t.test('delivery lines have every field', async (t) => {
  const lines: string[] = []
  const app = await build(t, testEnv(t, { LOG_LEVEL: 'info' }), { write: (line) => { lines.push(line) } })
  const requests = [
    { url: `/webhook?uid=user_1&key=${SECRET}`, payload: { type: 'ping' } },
    { url: `/webhook?uid=user_1&key=${SECRET}`, payload: { type: 'memory_created', memory: conversation } },
    { url: `/webhook?uid=user_1&key=${SECRET}`, payload: { type: 'nothing' } }
  ]

  for (const request of requests) await app.inject({ method: 'POST', ...request })

  const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.msg === 'delivery')
  t.equal(entries.length, requests.length)
  for (const entry of entries) {
    for (const field of ['uid', 'event', 'size', 'outcome', 'duplicate', 'durationMs', 'reqId', 'remoteAddress']) {
      t.ok(field in entry, `${String(entry.outcome)} delivery line has ${field}`)
    }
  }
})

t.test('given request id is kept', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'omi-delivery-42' } })

  t.equal(response.headers['x-request-id'], 'omi-delivery-42')
})

t.test('invalid request id is replaced', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'bad id with spaces' } })

  t.match(response.headers['x-request-id'], /^[0-9a-f-]{36}$/)
})

t.test('missing request id is generated', async (t) => {
  const app = await build(t)

  const first = await app.inject({ method: 'GET', url: '/health' })
  const second = await app.inject({ method: 'GET', url: '/health' })

  t.match(first.headers['x-request-id'], /^[0-9a-f-]{36}$/)
  t.not(first.headers['x-request-id'], second.headers['x-request-id'])
})

t.test('request id appears in the log', async (t) => {
  const lines: string[] = []
  const app = await build(t, testEnv(t, { LOG_LEVEL: 'info' }), { write: (line) => { lines.push(line) } })

  await app.inject({ method: 'POST', url: `/webhook?uid=user_1&key=${SECRET}`, payload: { type: 'ping' }, headers: { 'x-request-id': 'trace-7' } })

  t.match(lines.join(''), '"reqId":"trace-7"')
})
