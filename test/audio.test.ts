import t from 'tap'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { build, testEnv, webhookUrl } from './helpers/build.js'
import { rows, storedPcm } from './helpers/fixtures.js'

t.test('hex audio is stored', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'audio_bytes', audio: '0100ff7F', sample_rate: 8000 } })

  t.equal(response.statusCode, 200)
  t.match(response.json(), { status: 'stored', type: 'audio_bytes' })
  const [row] = rows(app, 'SELECT * FROM audio_chunks')
  t.equal(row.uid, 'user_1')
  t.equal(row.sample_rate, 8000)
  t.equal(row.byte_length, 4)
  t.same([...storedPcm(app)[0]], [0x01, 0x00, 0xff, 0x7f])
})

t.test('sample rate defaults to 16000', async (t) => {
  const app = await build(t)

  await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'audio_bytes', audio: '0000' } })

  t.same(rows(app, 'SELECT sample_rate FROM audio_chunks'), [{ sample_rate: 16000 }])
})

t.test('invalid hex audio gets 400', async (t) => {
  const app = await build(t)
  const cases = [
    { name: 'non-hex digit', audio: '00zz', code: 'OMI_INVALID_HEX', message: 'body/audio must be hex digits (0-9, a-f); found "z" at position 2' },
    { name: 'Cyrillic a', audio: '\u0430000', code: 'OMI_INVALID_HEX', message: 'body/audio must be hex digits (0-9, a-f); found "\u0430" at position 0' },
    { name: 'dotted capital I', audio: '00\u01300', code: 'OMI_INVALID_HEX', message: 'body/audio must be hex digits (0-9, a-f); found "\u0130" at position 2' },
    { name: 'Latin-1 e acute', audio: '00\u00e9', code: 'OMI_INVALID_HEX', message: 'body/audio must be hex digits (0-9, a-f); found "\u00e9" at position 2' },
    { name: 'odd digit count', audio: '000', code: 'OMI_ODD_HEX', message: 'body/audio has an odd number of hex digits (3); every byte needs two' },
    { name: 'partial sample', audio: '000000', code: 'OMI_PARTIAL_SAMPLE', message: 'body/audio has 3 bytes, which is not a whole number of 16-bit samples' },
    { name: 'empty', audio: '', code: 'OMI_EMPTY_AUDIO', message: 'body/audio is empty; send at least one 16-bit sample' }
  ]

  for (const { name, audio, code, message } of cases) {
    const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'audio_bytes', audio } })

    t.equal(response.statusCode, 400, `${name}: status`)
    t.equal(response.json().code, code, `${name}: code`)
    t.equal(response.json().message, message, `${name}: message`)
  }
  t.equal(rows(app, 'SELECT * FROM audio_chunks').length, 0)
})

t.test('sample rate out of range', async (t) => {
  const app = await build(t)

  const low = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'audio_bytes', audio: '0000', sample_rate: 999 } })
  const high = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'audio_bytes', audio: '0000', sample_rate: 192001 } })

  t.equal(low.statusCode, 400)
  t.equal(low.json().message, 'body/sample_rate must be >= 1000')
  t.equal(high.statusCode, 400)
  t.equal(high.json().message, 'body/sample_rate must be <= 192000')
})

t.test('audio must be a string', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'audio_bytes', audio: [0, 1] } })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, 'body/audio must be string')
})

t.test('audio that cannot be written gets 500', async (t) => {
  const env = testEnv(t)
  const lines: string[] = []
  const app = await build(t, env, { write: (line) => { lines.push(line) } })
  mkdirSync(join(env.DATA_DIR as string, 'audio'), { recursive: true })
  writeFileSync(join(env.DATA_DIR as string, 'audio', 'user_1'), 'a file where the folder of user_1 belongs')

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'audio_bytes', audio: '0000' } })

  t.equal(response.statusCode, 500)
  t.match(response.json().message, response.headers['x-request-id'] as string)
  t.same(rows(app, 'SELECT count(*) AS count FROM audio_chunks'), [{ count: 0 }])
  const failure = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'request failed')
  t.equal(failure?.err.code, 'EEXIST', 'the error is logged')
})

t.test('audio files no piece refers to are deleted at startup', async (t) => {
  const env = testEnv(t, { LOG_LEVEL: 'info' })
  const audio = join(env.DATA_DIR as string, 'audio')
  const first = await build(t, env)
  await first.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'audio_bytes', audio: '0100' } })
  await first.close()
  const [stored] = readdirSync(join(audio, 'user_1'))
  writeFileSync(join(audio, 'user_1', '2026-01-01.pcm'), Buffer.alloc(320))
  writeFileSync(join(audio, 'user_1', 'notes.txt'), 'a file the service did not write')
  mkdirSync(join(audio, 'user_2'))
  writeFileSync(join(audio, 'user_2', '2026-01-01.1.pcm'), Buffer.alloc(320))

  const lines: string[] = []
  const second = await build(t, env, { write: (line) => { lines.push(line) } })

  t.same(readdirSync(join(audio, 'user_1')).sort(), [stored, 'notes.txt'].sort())
  t.notOk(existsSync(join(audio, 'user_2')), 'the emptied uid folder is removed')
  t.same([...storedPcm(second)[0]], [0x01, 0x00])
  const entry = lines.map((line) => JSON.parse(line)).find((line) => line.msg === 'deleted audio files that no stored piece refers to')
  t.equal(entry?.files, 2)
})

t.test('unreadable audio folder does not stop the start', async (t) => {
  const env = testEnv(t)
  writeFileSync(join(env.DATA_DIR as string, 'audio'), 'a file where the audio folder belongs')
  const lines: string[] = []

  const app = await build(t, env, { write: (line) => { lines.push(line) } })

  const entry = lines.map((line) => JSON.parse(line)).find((line) => line.msg === 'failed to list the audio folder for files that no stored piece refers to')
  t.equal(entry?.err.code, 'ENOTDIR')
  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'ping' } })
  t.equal(response.statusCode, 200)
})
