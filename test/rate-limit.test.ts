import t from 'tap'
import { FailureCounter } from '../src/failure-counter.js'
import { build, testEnv, SECRET } from './helpers/build.js'
import { httpRequest } from './helpers/net.js'

t.test('failure counter blocks at the limit', async (t) => {
  let now = 1_000
  const counter = new FailureCounter(2, 60_000, 10, () => now)

  counter.record('a')
  const afterOne = counter.blockedFor('a')
  counter.record('a')
  const afterTwo = counter.blockedFor('a')
  now += 15_000
  const later = counter.blockedFor('a')
  now += 45_000
  const afterWindow = counter.blockedFor('a')
  counter.record('a')
  const newWindow = counter.blockedFor('a')

  t.equal(afterOne, 0)
  t.equal(afterTwo, 60_000)
  t.equal(later, 45_000)
  t.equal(afterWindow, 0)
  t.equal(newWindow, 0, 'one failure in a new window is under the limit')
  t.equal(counter.blockedFor('b'), 0)
})

t.test('failure counter window expires', async (t) => {
  let now = 1_000
  const counter = new FailureCounter(1, 60_000, 10, () => now)
  counter.record('a')

  now += 60_000

  t.equal(counter.blockedFor('a'), 0)
  counter.record('a')
  t.equal(counter.blockedFor('a'), 60_000)
})

t.test('failure counter prunes expired keys', async (t) => {
  let now = 0
  const counter = new FailureCounter(1, 1_000, 2, () => now)
  counter.record('old-1')
  counter.record('old-2')
  now = 2_000

  counter.record('new')

  t.equal(counter.blockedFor('new'), 1_000)
  t.equal(counter.blockedFor('old-1'), 0)
  t.equal(counter.blockedFor('old-2'), 0)
})

t.test('failure counter drops oldest live keys', async (t) => {
  const counter = new FailureCounter(1, 60_000, 2, () => 0)
  counter.record('first')
  counter.record('second')

  counter.record('third')

  t.equal(counter.blockedFor('first'), 0)
  t.equal(counter.blockedFor('second'), 60_000)
  t.equal(counter.blockedFor('third'), 60_000)
})

t.test('failure counter prunes before dropping', async (t) => {
  let now = 0
  const counter = new FailureCounter(1, 100, 2, () => now)
  counter.record('expired')
  now = 200
  counter.record('live-1')

  counter.record('live-2')
  counter.record('live-3')

  t.equal(counter.blockedFor('expired'), 0, 'expired window pruned')
  t.equal(counter.blockedFor('live-1'), 0, 'oldest live window dropped when full')
  t.equal(counter.blockedFor('live-2'), 100)
  t.equal(counter.blockedFor('live-3'), 100)
})

t.test('auth failures get 429 over HTTP', async (t) => {
  const app = await build(t, testEnv(t, { AUTH_FAILURE_LIMIT: '3' }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const ping = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"ping"}' }

  const failures = []
  for (let i = 0; i < 3; i++) {
    failures.push((await httpRequest({ port, path: '/webhook?uid=user_1&key=wrong-key-0123456789', localAddress: '127.0.0.2', ...ping })).statusCode)
  }
  const blocked = await httpRequest({ port, path: `/webhook?uid=user_1&key=${SECRET}`, localAddress: '127.0.0.2', ...ping })
  const other = await httpRequest({ port, path: `/webhook?uid=user_1&key=${SECRET}`, localAddress: '127.0.0.3', ...ping })
  const health = await httpRequest({ port, path: '/health', localAddress: '127.0.0.2' })

  t.same(failures, [401, 401, 401])
  t.equal(blocked.statusCode, 429)
  t.ok(Number(blocked.headers['retry-after']) > 0 && Number(blocked.headers['retry-after']) <= 60, `Retry-After ${String(blocked.headers['retry-after'])} is within the 60 s window`)
  t.equal(JSON.parse(blocked.body).code, 'OMI_TOO_MANY_AUTH_FAILURES')
  t.equal(other.statusCode, 200)
  t.equal(health.statusCode, 200)
})

t.test('successes do not count as failures', async (t) => {
  const app = await build(t, testEnv(t, { AUTH_FAILURE_LIMIT: '1' }))

  const statusCodes = []
  for (let i = 0; i < 5; i++) {
    statusCodes.push((await app.inject({ method: 'POST', url: `/webhook?uid=user_1&key=${SECRET}`, payload: { type: 'ping' } })).statusCode)
  }

  t.same(statusCodes, [200, 200, 200, 200, 200])
})

t.test('missing secret counts as failure', async (t) => {
  const app = await build(t, testEnv(t, { AUTH_FAILURE_LIMIT: '1' }))
  await app.inject({ method: 'POST', url: '/webhook?uid=user_1', payload: { type: 'ping' } })

  const response = await app.inject({ method: 'POST', url: `/webhook?uid=user_1&key=${SECRET}`, payload: { type: 'ping' } })

  t.equal(response.statusCode, 429)
})

t.test('uids outside ALLOWED_UIDS get 403', async (t) => {
  const app = await build(t, testEnv(t, { ALLOWED_UIDS: 'user_1, user_2' }))

  const allowed = await app.inject({ method: 'POST', url: `/webhook?uid=user_2&key=${SECRET}`, payload: { type: 'ping' } })
  const rejected = await app.inject({ method: 'POST', url: `/webhook?uid=stranger&key=${SECRET}`, payload: { type: 'ping' } })

  t.equal(allowed.statusCode, 200)
  t.equal(rejected.statusCode, 403)
  t.equal(rejected.json().code, 'OMI_UID_NOT_ALLOWED')
})
