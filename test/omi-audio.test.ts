import t from 'tap'
import { build, webhookUrl } from './helpers/build.js'
import { pcm, rows, storedPcm } from './helpers/fixtures.js'

const OCTET = { 'content-type': 'application/octet-stream' }

t.test('raw audio is stored', async (t) => {
  const app = await build(t)
  const body = pcm(32000)

  const response = await app.inject({ method: 'POST', url: webhookUrl('user_1', '&sample_rate=16000'), headers: OCTET, payload: body })

  t.equal(response.statusCode, 200)
  t.match(response.json(), { status: 'stored', type: 'audio_bytes' })
  const [row] = rows(app, 'SELECT * FROM audio_chunks')
  t.equal(row.sample_rate, 16000)
  t.equal(row.byte_length, 32000)
  t.ok(body.equals(storedPcm(app)[0]), 'stored bytes equal the body')
})

t.test('early kit rate is accepted', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl('user_1', '&sample_rate=8000'), headers: OCTET, payload: pcm(16000) })

  t.equal(response.statusCode, 200)
  t.same(rows(app, 'SELECT sample_rate FROM audio_chunks'), [{ sample_rate: 8000 }])
})

t.test('missing sample rate gets 400', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), headers: OCTET, payload: pcm(64) })

  t.equal(response.statusCode, 400)
  t.equal(response.json().code, 'OMI_MISSING_SAMPLE_RATE')
  t.match(response.json().message, 'querystring/sample_rate is required')
})

t.test('sample rate outside range', async (t) => {
  const app = await build(t)
  const cases = { 999: 'querystring/sample_rate must be >= 1000', 192001: 'querystring/sample_rate must be <= 192000', abc: 'querystring/sample_rate must be integer' }

  for (const [rate, message] of Object.entries(cases)) {
    const response = await app.inject({ method: 'POST', url: webhookUrl('user_1', `&sample_rate=${rate}`), headers: OCTET, payload: pcm(64) })

    t.equal(response.statusCode, 400, `${rate}: status`)
    t.equal(response.json().message, message, `${rate}: message`)
  }
  t.equal(rows(app, 'SELECT * FROM audio_chunks').length, 0)
})

t.test('odd length audio gets 400', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl('user_1', '&sample_rate=16000'), headers: OCTET, payload: pcm(32001) })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, 'The audio body has 32001 bytes, which is not a whole number of 16-bit samples')
})

t.test('empty audio gets 400', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl('user_1', '&sample_rate=16000'), headers: OCTET, payload: Buffer.alloc(0) })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, 'The audio body is empty; send at least one 16-bit sample')
})

t.test('pieces keep arrival order', async (t) => {
  const app = await build(t)
  const pieces = [{ rate: 16000, first: 0 }, { rate: 16000, first: 1 }, { rate: 8000, first: 2 }]

  for (const { rate, first } of pieces) {
    await app.inject({ method: 'POST', url: webhookUrl('user_1', `&sample_rate=${rate}`), headers: OCTET, payload: pcm(rate * 2, first) })
  }

  const stored = rows(app, 'SELECT sample_rate, byte_length, pcm FROM audio_chunks ORDER BY seq')
  t.same(stored.map((row) => row.sample_rate), [16000, 16000, 8000])
  t.same(stored.map((row) => row.byte_length), [32000, 32000, 16000])
  t.same(storedPcm(app).map((piece) => piece[0]), [0, 1, 2])
})

t.test('concurrent pieces keep arrival order', async (t) => {
  const app = await build(t)
  // The first piece is the largest, so writing it to disk takes longest.
  const sizes = [4 * 1024 * 1024, 2, 2, 2]

  for (const uid of ['user_1', 'user_2', 'user_3', 'user_4', 'user_5', 'user_6', 'user_7', 'user_8']) {
    const responses = await Promise.all(sizes.map((size, index) =>
      app.inject({ method: 'POST', url: webhookUrl(uid, '&sample_rate=16000'), headers: OCTET, payload: pcm(size, index) })))

    t.same(responses.map((response) => response.statusCode), [200, 200, 200, 200])
    t.same(rows(app, `SELECT byte_length FROM audio_chunks WHERE uid = '${uid}' ORDER BY seq`).map((row) => row.byte_length), sizes, uid)
  }
})

t.test('audio event header with JSON', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), headers: { 'x-omi-event': 'audio_bytes' }, payload: { audio: '0000' } })

  t.equal(response.statusCode, 415)
  t.equal(response.json().message, 'X-Omi-Event audio_bytes needs Content-Type application/octet-stream')
})

t.test('raw audio with another event', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl('user_1', '&sample_rate=16000'), headers: { ...OCTET, 'x-omi-event': 'day_summary' }, payload: pcm(64) })

  t.equal(response.statusCode, 415)
  t.equal(response.json().message, 'application/octet-stream bodies are audio, but X-Omi-Event is "day_summary"')
})
