import t, { type Test } from 'tap'
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify'
import createError from '@fastify/error'
import app from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { serverOptions } from '../src/server-options.js'
import { EVENT_TYPES } from '../src/schemas/events.js'
import { formatSchemaErrors } from '../src/validation.js'
import { build, testEnv, webhookUrl, SECRET } from './helpers/build.js'
import { rows } from './helpers/fixtures.js'

t.test('ping replies pong', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'ping' } })

  t.equal(response.statusCode, 200)
  t.same(response.json(), { message: 'pong' })
  t.equal(rows(app, 'SELECT * FROM deliveries').length, 0, 'ping stores nothing')
})

t.test('unknown type lists accepted types', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'memory_deleted' } })

  t.equal(response.statusCode, 400)
  t.equal(response.json().code, 'FST_ERR_VALIDATION')
  t.equal(response.json().message, `body/type "memory_deleted" is not a known event type; expected one of: ${EVENT_TYPES.join(', ')}`)
})

t.test('type that is not a string', async (t) => {
  const errors = [{ keyword: 'discriminator', instancePath: '', schemaPath: '#', params: { error: 'tag', tag: 'type', tagValue: 7 }, message: 'tag "type" must be string' }]

  const error = formatSchemaErrors(errors, 'body')

  t.equal(error.message, `body/type must be a string naming the event; expected one of: ${EVENT_TYPES.join(', ')}`)
})

t.test('bodies that are not objects', async (t) => {
  const app = await build(t)
  const cases = [
    { name: 'invalid JSON', payload: '{"type": "ping"', code: 'OMI_INVALID_JSON', message: /^The body is not valid JSON: / },
    { name: 'number', payload: '42', code: 'OMI_UNKNOWN_SHAPE', message: /^The body matches no known delivery\. Send a JSON object with "type"/ },
    { name: 'string', payload: '"ping"', code: 'OMI_UNKNOWN_SHAPE', message: /^The body matches no known delivery/ },
    { name: 'null', payload: 'null', code: 'OMI_UNKNOWN_SHAPE', message: /^The body matches no known delivery/ },
    { name: 'array of numbers', payload: '[1, 2]', code: 'FST_ERR_VALIDATION', message: /^body\/0 must be object/ },
    { name: 'empty body', payload: '', code: 'FST_ERR_CTP_EMPTY_JSON_BODY', message: /^The body is empty; send a JSON object$/ },
    { name: 'invalid UTF-8', payload: Buffer.from([0x7b, 0xff, 0x7d]), code: 'OMI_INVALID_UTF8', message: /^The body is not valid UTF-8$/ },
    { name: 'prototype key', payload: '{"type": "ping", "__proto__": {"x": 1}}', code: 'OMI_INVALID_JSON', message: /^The body is not valid JSON: / }
  ]

  for (const { name, payload, code, message } of cases) {
    const response = await app.inject({ method: 'POST', url: webhookUrl(), headers: { 'content-type': 'application/json' }, payload })

    t.equal(response.statusCode, 400, `${name}: status`)
    t.equal(response.json().code, code, `${name}: code`)
    t.match(response.json().message, message, `${name}: message`)
  }
})

t.test('body types are not coerced', async (t) => {
  const app = await build(t)
  const cases = [
    { name: 'number for a string', payload: { type: 'day_summary', summary: 5 }, message: 'body/summary must be string' },
    { name: 'string for a number', payload: { type: 'realtime_transcript', segments: [{ text: 'a', start: '1.5', end: 2 }] }, message: 'body/segments/0/start must be number' },
    { name: 'null for a string', payload: { type: 'new_processing_memory_created', processing_memory_id: null }, message: 'body/processing_memory_id must be string' }
  ]

  for (const { name, payload, message } of cases) {
    const response = await app.inject({ method: 'POST', url: webhookUrl(), payload })

    t.equal(response.statusCode, 400, `${name}: status`)
    t.equal(response.json().message, message, `${name}: message`)
  }
  t.equal(rows(app, "SELECT count(*) AS count FROM deliveries WHERE outcome = 'stored'")[0].count, 0, 'nothing stored')
})

t.test('rejections are recorded', async (t) => {
  const env = testEnv(t)
  const app = await build(t, env)

  await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'memory_created' } })
  await app.close()

  const reopened = await build(t, env)
  t.match(rows(reopened, 'SELECT * FROM deliveries'), [{
    uid: 'user_1', type: 'memory_created', outcome: 'rejected', status_code: 400
  }])
})

t.test('plain text gets 415', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), headers: { 'content-type': 'text/plain' }, payload: 'ping' })

  t.equal(response.statusCode, 415)
  t.equal(response.json().message, 'Content-Type text/plain is not accepted; send application/json, or application/octet-stream for audio')
})

t.test('body over limit gets 413', async (t) => {
  const app = await build(t, testEnv(t, { JSON_BODY_LIMIT: '2048' }))

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'ping', padding: 'x'.repeat(2048) } })

  t.equal(response.statusCode, 413)
  t.equal(response.json().message, 'The body is larger than the limit of 2048 bytes (JSON_BODY_LIMIT)')
})

t.test('wrong content length gets 400', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), headers: { 'content-type': 'application/json', 'content-length': '5' }, payload: '{"type":"ping"}' })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, 'Content-Length does not match the size of the body')
})

t.test('server error reveals nothing internal', async (t) => {
  const app = await build(t, testEnv(t, { LOG_LEVEL: 'fatal' }))
  app.storage.db.close()

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'memory_created', memory: { id: 'm1', created_at: '2026-10-14T08:00:00Z' } } })

  t.equal(response.statusCode, 500)
  t.same(response.json(), {
    statusCode: 500,
    code: 'OMI_INTERNAL',
    error: 'Internal Server Error',
    message: `The service could not process this request; its log has the details under request id ${response.headers['x-request-id']}`
  })
  t.notMatch(response.body, /database|sqlite|INSERT|\.ts:|at /i)
})

t.test('every status has a response schema', async (t) => {
  const env = testEnv(t)
  const server = Fastify(serverOptions(loadConfig(env)))
  const routes: RouteOptions[] = []
  server.addHook('onRoute', (route) => { routes.push(route) })
  await server.register(app, { env })
  await server.ready()
  t.teardown(() => server.close())

  const webhook = routes.find((route) => route.url === '/webhook') as RouteOptions
  const statuses = Object.keys((webhook.schema as { response: Record<string, unknown> }).response)

  t.same(statuses.sort(), ['200', '400', '401', '403', '413', '415', '429', '500', '503'])
  for (const route of routes) {
    t.ok((route.schema as { response?: unknown } | undefined)?.response, `${String(route.method)} ${route.url} has response schemas`)
  }
})

t.test('data survives a restart', async (t) => {
  const env = testEnv(t)
  const first = await build(t, env)
  await first.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'memory_backward_synced', name: 'offline' } })
  await first.close()

  const second = await build(t, env)

  t.match(rows(second, 'SELECT * FROM memory_events'), [{ type: 'memory_backward_synced', name: 'offline' }])
})

t.test('failed write leaves others stored', async (t) => {
  const app = await build(t)

  const results = await Promise.allSettled([
    app.storage.write((db) => db.prepare("INSERT INTO memory_events (uid, type, body, received_at) VALUES ('u', 'kept', '{}', 'now')").run()),
    app.storage.write((db) => {
      db.prepare("INSERT INTO memory_events (uid, type, body, received_at) VALUES ('u', 'rolled back', '{}', 'now')").run()
      throw new Error('handler failed')
    })
  ])

  t.equal(results[0].status, 'fulfilled')
  t.equal(results[1].status, 'rejected')
  t.same(rows(app, 'SELECT type FROM memory_events'), [{ type: 'kept' }])
})

t.test('write after close is rejected', async (t) => {
  const app = await build(t)
  const storage = app.storage
  await app.close()

  const write = storage.write(() => 1)

  await t.rejects(write, { message: 'Storage is closed' })
  t.doesNotThrow(() => storage.close(), 'closing twice is harmless')
})

/** Builds the app with production options plus routes that fail on purpose, to reach error handler branches. */
async function buildWithFailingRoutes (t: Test): Promise<FastifyInstance> {
  const env = testEnv(t, { LOG_LEVEL: 'fatal' })
  const server = Fastify(serverOptions(loadConfig(env)))
  await server.register(app, { env })
  const Unavailable = createError('TEST_UNAVAILABLE', 'backend unavailable', 503)
  const Unusual = createError('TEST_UNUSUAL', 'unusual status', 499)
  server.get('/unavailable', async () => { throw new Unavailable() })
  server.get('/unusual', async () => { throw new Unusual() })
  server.get('/missing', async (_request, reply) => { reply.callNotFound() })
  await server.ready()
  t.teardown(() => server.close())
  return server
}

t.test('error handler keeps 503', async (t) => {
  const server = await buildWithFailingRoutes(t)

  const response = await server.inject({ method: 'GET', url: `/unavailable?key=${SECRET}` })

  t.equal(response.statusCode, 503)
  t.equal(response.json().code, 'OMI_INTERNAL')
  t.equal(response.json().error, 'Service Unavailable')
})

t.test('unknown status has generic reason', async (t) => {
  const server = await buildWithFailingRoutes(t)

  const response = await server.inject({ method: 'GET', url: `/unusual?key=${SECRET}` })

  t.equal(response.statusCode, 499)
  t.equal(response.json().error, 'Error')
})

t.test('not found from a route', async (t) => {
  const server = await buildWithFailingRoutes(t)

  const response = await server.inject({ method: 'GET', url: `/missing?key=${SECRET}` })

  t.equal(response.statusCode, 404)
  t.equal(response.json().message, 'GET /missing is not a route of this service')
})

t.test('missing content type gets 415', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: 'hello' })

  t.equal(response.statusCode, 415)
  t.equal(response.json().message, 'Content-Type (none) is not accepted; send application/json, or application/octet-stream for audio')
})

t.test('delivery without a body', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl() })

  t.equal(response.statusCode, 400)
  t.equal(response.json().code, 'OMI_UNKNOWN_SHAPE')
})

t.test('app reads process environment', async (t) => {
  const dataDir = t.testdir()
  const saved = { DATA_DIR: process.env.DATA_DIR, WEBHOOK_SECRET: process.env.WEBHOOK_SECRET }
  process.env.DATA_DIR = dataDir
  process.env.WEBHOOK_SECRET = SECRET
  t.teardown(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })
  const server = Fastify(serverOptions(loadConfig({ LOG_LEVEL: 'warn' })))
  t.teardown(() => server.close())

  await server.register(app)
  await server.ready()

  t.equal(server.config.DATA_DIR, dataDir)
})

t.test('validation messages without details', async (t) => {
  const errors = [
    { keyword: 'type', instancePath: undefined as unknown as string, schemaPath: '#', params: {} },
    { keyword: 'pattern', instancePath: '/name', schemaPath: '#', params: { pattern: '^x$' }, message: 'must match pattern "^x$"' }
  ]

  const error = formatSchemaErrors(errors, 'body')

  t.equal(error.message, 'body is invalid; body/name must match pattern "^x$"')
})
