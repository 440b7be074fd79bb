import t from 'tap'
import { build, testEnv, webhookUrl } from './helpers/build.js'
import { fixture, pcm, rows } from './helpers/fixtures.js'

const OCTET = { 'content-type': 'application/octet-stream' }

/** 120 s of 16 kHz 16-bit mono PCM, the largest piece older Omi backends send at once. */
const LONGEST_PIECE = 120 * 16000 * 2

t.test('two minutes of raw audio', async (t) => {
  const app = await build(t)
  const body = pcm(LONGEST_PIECE)

  const response = await app.inject({ method: 'POST', url: webhookUrl('user_1', '&sample_rate=16000'), headers: OCTET, payload: body })

  t.equal(response.statusCode, 200)
  t.same(rows(app, 'SELECT byte_length FROM audio_chunks'), [{ byte_length: 3_840_000 }])
})

t.test('conversation with inline photos', async (t) => {
  const app = await build(t)
  const photo = Buffer.alloc(1_500_000, 0xab).toString('base64')
  const conversation = { ...fixture('conversation.json'), photos: [1, 2, 3].map((n) => ({ id: `photo-${n}`, base64: photo, description: 'A bike' })) }
  const payload = JSON.stringify(conversation)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), headers: { 'content-type': 'application/json' }, payload })

  t.ok(payload.length > 5_000_000, 'body is several megabytes')
  t.equal(response.statusCode, 200)
  const [row] = rows(app, "SELECT json_extract(body, '$.photos[2].base64') AS photo FROM memories")
  t.equal(row.photo, photo)
})

t.test('audio over its limit', async (t) => {
  const app = await build(t, testEnv(t, { AUDIO_BODY_LIMIT: '4096' }))

  const response = await app.inject({ method: 'POST', url: webhookUrl('user_1', '&sample_rate=16000'), headers: OCTET, payload: pcm(4098) })

  t.equal(response.statusCode, 413)
  t.equal(response.json().message, 'The body is larger than the limit of 4096 bytes (AUDIO_BODY_LIMIT)')
})

t.test('JSON over its limit', async (t) => {
  const app = await build(t, testEnv(t, { JSON_BODY_LIMIT: '4096' }))

  const conversation = { ...fixture('conversation.json'), photos: [{ id: 'photo-1', base64: 'A'.repeat(4096) }] }

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: conversation })

  t.equal(response.statusCode, 413)
  t.equal(response.json().message, 'The body is larger than the limit of 4096 bytes (JSON_BODY_LIMIT)')
})

t.test('limits apply to their own type', async (t) => {
  const app = await build(t, testEnv(t, { JSON_BODY_LIMIT: '4096' }))

  const response = await app.inject({ method: 'POST', url: webhookUrl('user_1', '&sample_rate=16000'), headers: OCTET, payload: pcm(32000) })

  t.equal(response.statusCode, 200)
})
