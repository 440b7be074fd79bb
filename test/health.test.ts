import t from 'tap'
import { build, testEnv } from './helpers/build.js'

t.test('health needs no secret', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'GET', url: '/health' })

  t.equal(response.statusCode, 200)
  t.same(response.json(), { status: 'ok' })
})

t.test('ready when the database is writable', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'GET', url: '/ready' })

  t.equal(response.statusCode, 200)
  t.same(response.json(), { status: 'ready' })
})

t.test('not ready when the database is closed', async (t) => {
  const lines: string[] = []
  const app = await build(t, testEnv(t), { write: (line) => { lines.push(line) } })
  app.storage.db.close()

  const response = await app.inject({ method: 'GET', url: '/ready' })

  t.equal(response.statusCode, 503)
  t.equal(response.json().code, 'OMI_NOT_READY')
  t.match(lines.join(''), '"msg":"readiness check failed"')
})
