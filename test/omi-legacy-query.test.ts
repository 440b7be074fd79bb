import t from 'tap'
import { build, webhookUrl, SECRET } from './helpers/build.js'
import { fixture, pcm, rows } from './helpers/fixtures.js'
import { parseQuery } from '../src/webhook/query.js'

t.test('second question mark separates uid', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: `/webhook?key=${SECRET}?uid=abc`, payload: fixture('conversation.json') })

  t.equal(response.statusCode, 200)
  t.same(rows(app, 'SELECT uid FROM memories'), [{ uid: 'abc' }])
})

t.test('legacy audio query is read', async (t) => {
  const app = await build(t)

  const response = await app.inject({
    method: 'POST',
    url: `/webhook?key=${SECRET}?sample_rate=16000&uid=abc`,
    headers: { 'content-type': 'application/octet-stream' },
    payload: pcm(3200)
  })

  t.equal(response.statusCode, 200)
  t.same(rows(app, 'SELECT uid, sample_rate FROM audio_chunks'), [{ uid: 'abc', sample_rate: 16000 }])
})

t.test('wrong secret in legacy query', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: '/webhook?key=wrong-secret?uid=abc', payload: { type: 'ping' } })

  t.equal(response.statusCode, 401)
})

t.test('query parser cases', async (t) => {
  t.same(parseQuery('key=S?uid=abc'), { key: 'S', uid: 'abc' })
  t.same(parseQuery('uid=a+b&flag&=x&&'), { uid: 'a b', flag: '', '': 'x' })
  t.same(parseQuery('uid=%E2%9C%93&bad=%E0%A4%A'), { uid: '✓', bad: '%E0%A4%A' })
  t.same(parseQuery('uid=a&uid=a'), { uid: 'a' })
  t.same(parseQuery('uid=a&uid=b&uid=a&uid=c'), { uid: ['a', 'b', 'c'] })
  t.equal(Object.getPrototypeOf(parseQuery('__proto__=x')), null)
})

t.test('encoded key is decoded', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl('abc').replace(SECRET, encodeURIComponent(SECRET)), payload: { type: 'ping' } })

  t.equal(response.statusCode, 200)
})
