import t from 'tap'
import { build, testEnv, webhookUrl } from './helpers/build.js'
import { fixtureBytes, pcm, rows } from './helpers/fixtures.js'
import { computeSignature, verifySignature } from '../src/webhook/signature.js'

const SIGNING_SECRET = 'whsec_EXAMPLEonlyNotARealSecret0000000000000000'
const PREVIOUS_SECRET = 'whsec_PreviousExampleSecret111111111111111111'
const VECTOR_TIME = 1796056927
const VECTOR_UID = 'dEm0uSeR1x2y3z4a5b6c7d8e9f0g'
const VECTOR_SIGNATURE = '38fb5f10e4657ea2b0e7a78249af5a27299fd177569d4c10426443f38fc44b84'

const body = fixtureBytes('realtime-transcript.compact.json')

function now (): number {
  return Math.floor(Date.now() / 1000)
}

function sign (secret: string, timestamp: number, uid: string, bytes: Buffer): string {
  return computeSignature(secret, timestamp, uid, bytes).toString('hex')
}

function signedHeaders (signature: string, event = 'realtime_transcript'): Record<string, string> {
  return { 'content-type': 'application/json', 'x-omi-signature': signature, 'x-omi-event': event, 'x-omi-delivery': 'delivery-1' }
}

t.test('test vector verifies', async (t) => {
  const result = verifySignature(`t=${VECTOR_TIME},v1=${VECTOR_SIGNATURE}`, [SIGNING_SECRET], VECTOR_UID, body, VECTOR_TIME)

  t.equal(body.length, 658)
  t.equal(sign(SIGNING_SECRET, VECTOR_TIME, VECTOR_UID, body), VECTOR_SIGNATURE)
  t.same(result, { valid: true })
})

t.test('signature header forms', async (t) => {
  const cases = [
    { name: 'uppercase hex and spaces', header: ` t=${VECTOR_TIME} , v1=${VECTOR_SIGNATURE.toUpperCase()} `, valid: true },
    { name: 'extra keys ignored', header: `t=${VECTOR_TIME},v0=abc,v1=${VECTOR_SIGNATURE},scheme`, valid: true },
    { name: 'one of two v1 values', header: `t=${VECTOR_TIME},v1=${'0'.repeat(64)},v1=${VECTOR_SIGNATURE}`, valid: true },
    { name: 'edge of tolerance', header: `t=${VECTOR_TIME - 300},v1=${sign(SIGNING_SECRET, VECTOR_TIME - 300, VECTOR_UID, body)}`, valid: true },
    { name: 'past tolerance', header: `t=${VECTOR_TIME + 301},v1=${sign(SIGNING_SECRET, VECTOR_TIME + 301, VECTOR_UID, body)}`, valid: false },
    { name: 'short v1', header: `t=${VECTOR_TIME},v1=${VECTOR_SIGNATURE.slice(2)}`, valid: false },
    { name: 'no timestamp', header: `v1=${VECTOR_SIGNATURE}`, valid: false },
    { name: 'no v1', header: `t=${VECTOR_TIME}`, valid: false }
  ]

  for (const { name, header, valid } of cases) {
    const result = verifySignature(header, [SIGNING_SECRET], VECTOR_UID, body, VECTOR_TIME)

    t.equal(result.valid, valid, name)
  }
})

t.test('signed delivery is accepted', async (t) => {
  const app = await build(t, testEnv(t, { OMI_SIGNING_SECRET: SIGNING_SECRET }))
  const time = now()

  const response = await app.inject({ method: 'POST', url: webhookUrl(VECTOR_UID), headers: signedHeaders(`t=${time},v1=${sign(SIGNING_SECRET, time, VECTOR_UID, body)}`), payload: body })

  t.equal(response.statusCode, 200)
  t.equal(rows(app, 'SELECT * FROM live_segments').length, 2)
  t.match(rows(app, 'SELECT idempotency_key FROM deliveries'), [{ idempotency_key: 'delivery-1' }])
})

t.test('rotated secrets are both accepted', async (t) => {
  const app = await build(t, testEnv(t, { OMI_SIGNING_SECRET: `${SIGNING_SECRET}, ${PREVIOUS_SECRET}` }))
  const time = now()
  const current = sign(SIGNING_SECRET, time, VECTOR_UID, body)
  const previous = sign(PREVIOUS_SECRET, time, VECTOR_UID, body)

  const both = await app.inject({ method: 'POST', url: webhookUrl(VECTOR_UID), headers: signedHeaders(`t=${time},v1=${current},v1=${previous}`), payload: body })
  const onlyPrevious = await app.inject({ method: 'POST', url: webhookUrl(VECTOR_UID), headers: signedHeaders(`t=${time},v1=${previous}`), payload: body })

  t.equal(both.statusCode, 200, 'header with both v1 values')
  t.equal(onlyPrevious.statusCode, 200, 'header signed with the previous secret')
})

t.test('invalid signatures get 401', async (t) => {
  const time = now()
  const tampered = Buffer.from(body.toString('utf8').replace('tomato', 'potato'))
  const cases = [
    { name: 'stale', uid: VECTOR_UID, header: `t=${time - 301},v1=${sign(SIGNING_SECRET, time - 301, VECTOR_UID, body)}`, payload: body, message: "X-Omi-Signature timestamp is more than 300 s from the server's clock" },
    { name: 'tampered body', uid: VECTOR_UID, header: `t=${time},v1=${sign(SIGNING_SECRET, time, VECTOR_UID, body)}`, payload: tampered, message: 'X-Omi-Signature does not match the body' },
    { name: 'wrong uid', uid: 'someone_else', header: `t=${time},v1=${sign(SIGNING_SECRET, time, VECTOR_UID, body)}`, payload: body, message: 'X-Omi-Signature does not match the body' },
    { name: 'wrong secret', uid: VECTOR_UID, header: `t=${time},v1=${sign(PREVIOUS_SECRET, time, VECTOR_UID, body)}`, payload: body, message: 'X-Omi-Signature does not match the body' },
    { name: 'missing header', uid: VECTOR_UID, header: '', payload: body, message: 'X-Omi-Signature header is missing' },
    { name: 'malformed header', uid: VECTOR_UID, header: 'sha256=abcdef', payload: body, message: 'X-Omi-Signature has no valid t= timestamp' },
    { name: 'no v1 value', uid: VECTOR_UID, header: `t=${time},v2=abc`, payload: body, message: 'X-Omi-Signature has no v1= signature' }
  ]

  for (const { name, uid, header, payload, message } of cases) {
    const app = await build(t, testEnv(t, { OMI_SIGNING_SECRET: SIGNING_SECRET }))
    const headers = signedHeaders(header)
    if (header === '') delete headers['x-omi-signature']

    const response = await app.inject({ method: 'POST', url: webhookUrl(uid), headers, payload })

    t.equal(response.statusCode, 401, `${name}: status`)
    t.equal(response.json().code, 'OMI_INVALID_SIGNATURE', `${name}: code`)
    t.equal(response.json().message, message, `${name}: message`)
    t.equal(rows(app, 'SELECT * FROM live_segments').length, 0, `${name}: nothing stored`)
  }
})

t.test('signed raw audio is accepted', async (t) => {
  const app = await build(t, testEnv(t, { OMI_SIGNING_SECRET: SIGNING_SECRET }))
  const audio = pcm(32000)
  const time = now()
  const headers = { 'content-type': 'application/octet-stream', 'x-omi-event': 'audio_bytes', 'x-omi-signature': `t=${time},v1=${sign(SIGNING_SECRET, time, 'user_1', audio)}` }

  const response = await app.inject({ method: 'POST', url: webhookUrl('user_1', '&sample_rate=16000'), headers, payload: audio })
  const tampered = await app.inject({ method: 'POST', url: webhookUrl('user_1', '&sample_rate=16000'), headers, payload: pcm(32000, 1) })

  t.equal(response.statusCode, 200)
  t.equal(tampered.statusCode, 401)
  t.equal(rows(app, 'SELECT * FROM audio_chunks').length, 1)
})

t.test('signing still needs the secret', async (t) => {
  const app = await build(t, testEnv(t, { OMI_SIGNING_SECRET: SIGNING_SECRET }))
  const time = now()

  const response = await app.inject({ method: 'POST', url: `/webhook?uid=${VECTOR_UID}`, headers: signedHeaders(`t=${time},v1=${sign(SIGNING_SECRET, time, VECTOR_UID, body)}`), payload: body })

  t.equal(response.statusCode, 401)
  t.equal(response.json().code, 'OMI_MISSING_SECRET')
})

t.test('signed empty delivery is checked', async (t) => {
  const app = await build(t, testEnv(t, { OMI_SIGNING_SECRET: SIGNING_SECRET }))
  const time = now()

  const response = await app.inject({ method: 'POST', url: webhookUrl(), headers: { 'x-omi-signature': `t=${time},v1=${sign(SIGNING_SECRET, time, 'user_1', Buffer.alloc(0))}` } })

  t.equal(response.statusCode, 400, 'the signature passes and the missing body is reported')
  t.equal(response.json().code, 'OMI_UNKNOWN_SHAPE')
})
