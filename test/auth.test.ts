import t from 'tap'
import { connect } from 'node:net'
import { once } from 'node:events'
import { build, testEnv, webhookUrl, SECRET } from './helpers/build.js'
import { rows } from './helpers/fixtures.js'

const PING = { type: 'ping' }

function basic (user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64')
}

t.test('secret in key parameter', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: PING })

  t.equal(response.statusCode, 200)
})

t.test('secret as bearer token', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: '/webhook?uid=user_1', headers: { authorization: `Bearer ${SECRET}` }, payload: PING })

  t.equal(response.statusCode, 200)
})

t.test('secret as basic password', async (t) => {
  const app = await build(t)

  const named = await app.inject({ method: 'POST', url: '/webhook?uid=user_1', headers: { authorization: basic('omi', SECRET) }, payload: PING })
  const anonymous = await app.inject({ method: 'POST', url: '/webhook?uid=user_1', headers: { authorization: basic('', SECRET) }, payload: PING })

  t.equal(named.statusCode, 200, 'any user name is accepted')
  t.equal(anonymous.statusCode, 200, 'an empty user name is accepted')
})

t.test('wrong secrets get 401', async (t) => {
  const cases = [
    { name: 'wrong key', url: '/webhook?uid=user_1&key=not-the-secret', headers: {}, code: 'OMI_WRONG_SECRET' },
    { name: 'wrong bearer', url: '/webhook?uid=user_1', headers: { authorization: 'Bearer not-the-secret' }, code: 'OMI_WRONG_SECRET' },
    { name: 'wrong basic password', url: '/webhook?uid=user_1', headers: { authorization: basic(SECRET, 'x') }, code: 'OMI_WRONG_SECRET' },
    { name: 'no secret', url: '/webhook?uid=user_1', headers: {}, code: 'OMI_MISSING_SECRET' },
    { name: 'empty key', url: '/webhook?uid=user_1&key=', headers: {}, code: 'OMI_MISSING_SECRET' },
    { name: 'empty bearer', url: '/webhook?uid=user_1', headers: { authorization: 'Bearer' }, code: 'OMI_MISSING_SECRET' },
    { name: 'basic without colon', url: '/webhook?uid=user_1', headers: { authorization: 'Basic ' + Buffer.from(SECRET).toString('base64') }, code: 'OMI_MISSING_SECRET' },
    { name: 'other scheme', url: '/webhook?uid=user_1', headers: { authorization: `Token ${SECRET}` }, code: 'OMI_MISSING_SECRET' }
  ]

  for (const { name, url, headers, code } of cases) {
    const app = await build(t)

    const response = await app.inject({ method: 'POST', url, headers, payload: PING })

    t.equal(response.statusCode, 401, `${name}: status`)
    t.equal(response.headers['content-type'], 'application/json; charset=utf-8', `${name}: JSON reply`)
    t.equal(response.json().code, code, `${name}: error code`)
    t.equal(rows(app, 'SELECT * FROM deliveries').length, 0, `${name}: nothing recorded`)
  }
})

t.test('missing uid gets 400', async (t) => {
  const app = await build(t)

  const missing = await app.inject({ method: 'POST', url: `/webhook?key=${SECRET}`, payload: PING })
  const empty = await app.inject({ method: 'POST', url: `/webhook?key=${SECRET}&uid=`, payload: PING })

  t.equal(missing.statusCode, 400)
  t.equal(missing.json().code, 'OMI_MISSING_UID')
  t.match(missing.json().message, 'querystring/uid is required')
  t.equal(empty.json().code, 'OMI_MISSING_UID')
})

t.test('invalid uids get 400', async (t) => {
  const app = await build(t)
  const uids = {
    'too long': 'a'.repeat(129),
    space: 'a%20b',
    slash: 'a%2Fb',
    'non-ASCII letter': '%C3%A4bc',
    'repeated with different values': 'abc&uid=def'
  }

  for (const [name, uid] of Object.entries(uids)) {
    const response = await app.inject({ method: 'POST', url: webhookUrl(uid), payload: PING })

    t.equal(response.statusCode, 400, `${name}: status`)
    t.equal(response.json().code, 'OMI_INVALID_UID', `${name}: error code`)
  }
})

t.test('longest valid uid is accepted', async (t) => {
  const app = await build(t)

  const longest = await app.inject({ method: 'POST', url: webhookUrl('A-z_0'.repeat(25) + 'abc'), payload: PING })
  const repeated = await app.inject({ method: 'POST', url: webhookUrl('abc', '&uid=abc'), payload: PING })

  t.equal(longest.statusCode, 200, '128 characters')
  t.equal(repeated.statusCode, 200, 'the same uid twice')
})

t.test('auth precedes body size check', async (t) => {
  const app = await build(t, testEnv(t, { JSON_BODY_LIMIT: '1024' }))
  const payload = JSON.stringify({ type: 'ping', padding: 'x'.repeat(4096) })

  const wrong = await app.inject({ method: 'POST', url: '/webhook?uid=user_1&key=wrong-secret', headers: { 'content-type': 'application/json' }, payload })
  const right = await app.inject({ method: 'POST', url: webhookUrl(), headers: { 'content-type': 'application/json' }, payload })

  t.equal(wrong.statusCode, 401)
  t.equal(right.statusCode, 413)
})

t.test('server rejects before body arrives', async (t) => {
  const app = await build(t)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const socket = connect(port, '127.0.0.1')
  t.teardown(() => socket.destroy())
  await once(socket, 'connect')

  socket.write('POST /webhook?uid=user_1&key=wrong-secret HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
    'Content-Type: application/octet-stream\r\nContent-Length: 10000000\r\n\r\n' + 'x'.repeat(1000))
  const [reply] = await once(socket, 'data') as [Buffer]

  t.match(reply.toString('latin1'), /^HTTP\/1\.1 401 /)
})

t.test('health needs no secret', async (t) => {
  const app = await build(t)

  const health = await app.inject({ method: 'GET', url: '/health' })
  const ready = await app.inject({ method: 'GET', url: '/ready' })

  t.equal(health.statusCode, 200)
  t.same(health.json(), { status: 'ok' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready' })
})

t.test('readiness fails without database', async (t) => {
  const app = await build(t, testEnv(t, { LOG_LEVEL: 'fatal' }))
  app.storage.db.close()

  const response = await app.inject({ method: 'GET', url: '/ready' })

  t.equal(response.statusCode, 503)
  t.equal(response.json().code, 'OMI_NOT_READY')
})

t.test('unknown route gets 404', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'GET', url: `/nothing-here?key=${SECRET}` })

  t.equal(response.statusCode, 404)
  t.equal(response.json().message, 'GET /nothing-here is not a route of this service')
})

t.test('unknown route needs no secret and counts no failure', async (t) => {
  const app = await build(t, testEnv(t, { AUTH_FAILURE_LIMIT: '1' }))
  await app.inject({ method: 'GET', url: '/wp-login.php' })

  const probe = await app.inject({ method: 'GET', url: '/.env' })
  const delivery = await app.inject({ method: 'POST', url: webhookUrl(), payload: PING })

  t.equal(probe.statusCode, 404)
  t.equal(delivery.statusCode, 200)
})

t.test('repeated failures get 429', async (t) => {
  const app = await build(t, testEnv(t, { AUTH_FAILURE_LIMIT: '2' }))
  await app.inject({ method: 'POST', url: '/webhook?uid=user_1&key=wrong-secret', payload: PING })
  await app.inject({ method: 'POST', url: '/webhook?uid=user_1', payload: PING })

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: PING })

  t.equal(response.statusCode, 429)
  t.equal(response.json().code, 'OMI_TOO_MANY_AUTH_FAILURES')
  t.equal(response.headers['retry-after'], '60')
})

t.test('other uids are forbidden', async (t) => {
  const app = await build(t, testEnv(t, { ALLOWED_UIDS: 'alice, bob' }))

  const allowed = await app.inject({ method: 'POST', url: webhookUrl('bob'), payload: PING })
  const other = await app.inject({ method: 'POST', url: webhookUrl('mallory'), payload: PING })

  t.equal(allowed.statusCode, 200)
  t.equal(other.statusCode, 403)
  t.equal(other.json().code, 'OMI_UID_NOT_ALLOWED')
})

t.test('request id is echoed', async (t) => {
  const app = await build(t)

  const given = await app.inject({ method: 'POST', url: webhookUrl(), headers: { 'x-request-id': 'omi-req.42:a' }, payload: PING })
  const invalid = await app.inject({ method: 'POST', url: webhookUrl(), headers: { 'x-request-id': 'bad id' }, payload: PING })

  t.equal(given.headers['x-request-id'], 'omi-req.42:a')
  t.match(invalid.headers['x-request-id'], /^[0-9a-f-]{36}$/)
})
