import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { build } from './helpers/build.js'
import { apiUrl, deliverAudio, readAllPages } from './helpers/api.js'

/** One second of a 440 Hz sine wave as signed 16-bit little-endian PCM. */
function sine (sampleRate: number, seconds = 1, phase = 0): Buffer {
  const samples = Math.round(sampleRate * seconds)
  const pcm = Buffer.alloc(samples * 2)
  for (let i = 0; i < samples; i++) {
    pcm.writeInt16LE(Math.round(12000 * Math.sin(2 * Math.PI * 440 * (i + phase) / sampleRate)), i * 2)
  }
  return pcm
}

/** Sets when each stored piece was received, in order of arrival, so the test controls gaps between pieces. */
function setReceivedTimes (app: FastifyInstance, times: string[]): void {
  const rows = app.storage.db.prepare('SELECT seq FROM audio_chunks ORDER BY seq').all() as Array<{ seq: number }>
  rows.forEach((row, index) => {
    app.storage.db.prepare('UPDATE audio_chunks SET received_at = ? WHERE seq = ?').run(times[index], row.seq)
  })
}

t.test('audio is one WAV file', async (t) => {
  const app = await build(t)
  const first = sine(16000)
  const second = sine(16000, 0.5, 16000)
  await deliverAudio(app, 'user_1', first)
  await deliverAudio(app, 'user_1', second)

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/audio') })

  t.equal(response.statusCode, 200)
  t.equal(response.headers['content-type'], 'audio/wav')
  const wav = response.rawPayload
  const dataBytes = first.length + second.length
  t.equal(response.headers['content-length'], String(44 + dataBytes))
  t.equal(wav.length, 44 + dataBytes)
  t.equal(wav.toString('ascii', 0, 4), 'RIFF')
  t.equal(wav.readUInt32LE(4), 36 + dataBytes, 'RIFF chunk size')
  t.equal(wav.toString('ascii', 8, 12), 'WAVE')
  t.equal(wav.toString('ascii', 12, 16), 'fmt ')
  t.equal(wav.readUInt32LE(16), 16, 'fmt chunk size')
  t.equal(wav.readUInt16LE(20), 1, 'PCM format')
  t.equal(wav.readUInt16LE(22), 1, 'channels')
  t.equal(wav.readUInt32LE(24), 16000, 'sample rate')
  t.equal(wav.readUInt32LE(28), 32000, 'byte rate')
  t.equal(wav.readUInt16LE(32), 2, 'block align')
  t.equal(wav.readUInt16LE(34), 16, 'bits per sample')
  t.equal(wav.toString('ascii', 36, 40), 'data')
  t.equal(wav.readUInt32LE(40), dataBytes, 'data chunk size')
  t.equal(wav.readUInt32LE(40) / 2, 24000, 'sample count')
  t.ok(wav.subarray(44).equals(Buffer.concat([first, second])), 'samples in order of arrival')
})

t.test('audio range selects pieces', async (t) => {
  const app = await build(t)
  await deliverAudio(app, 'user_1', sine(16000))
  await deliverAudio(app, 'user_1', sine(16000, 0.25))
  setReceivedTimes(app, ['2026-11-30T10:00:00.000Z', '2026-11-30T10:00:01.000Z'])

  const response = await app.inject({
    method: 'GET',
    url: apiUrl('user_1', '/audio', 'from=2026-11-30T10:00:00.500Z&to=2026-11-30T11:00:02%2B01:00')
  })

  t.equal(response.statusCode, 200)
  t.equal(response.rawPayload.readUInt32LE(40), 8000)
})

t.test('audio at two sample rates is rejected', async (t) => {
  const app = await build(t)
  await deliverAudio(app, 'user_1', sine(16000))
  await deliverAudio(app, 'user_1', sine(8000), 8000)

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/audio') })

  t.equal(response.statusCode, 400)
  t.equal(response.json().code, 'OMI_MIXED_SAMPLE_RATES')
  t.match(response.json().message, '8000, 16000 Hz')
})

t.test('empty audio range is 404', async (t) => {
  const app = await build(t)
  await deliverAudio(app, 'user_1', sine(16000))

  const otherUser = await app.inject({ method: 'GET', url: apiUrl('user_2', '/audio') })
  const past = await app.inject({ method: 'GET', url: apiUrl('user_1', '/audio', 'to=2000-01-01T00:00:00Z') })

  t.equal(otherUser.statusCode, 404)
  t.equal(past.statusCode, 404)
  t.equal(past.json().code, 'OMI_NO_AUDIO')
})

t.test('audio range is validated', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/audio', 'from=noon') })

  t.equal(response.statusCode, 400)
  t.match(response.json().message, 'querystring/from')
})

t.test('audio from typed envelope', async (t) => {
  const app = await build(t)
  const pcm = sine(8000, 0.1)
  await app.inject({ method: 'POST', url: `/webhook?uid=user_1&key=test-secret-0123456789abcdef`, payload: { type: 'audio_bytes', audio: pcm.toString('hex'), sample_rate: 8000 } })

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/audio') })

  t.equal(response.rawPayload.readUInt32LE(24), 8000)
  t.ok(response.rawPayload.subarray(44).equals(pcm))
})

t.test('audio spans split at gaps', async (t) => {
  const app = await build(t)
  await deliverAudio(app, 'user_1', sine(16000))
  await deliverAudio(app, 'user_1', sine(16000))
  await deliverAudio(app, 'user_1', sine(16000))
  await deliverAudio(app, 'user_1', sine(8000), 8000)
  setReceivedTimes(app, ['2026-11-30T10:00:00.000Z', '2026-11-30T10:00:01.200Z', '2026-11-30T10:00:05.000Z', '2026-11-30T10:00:06.000Z'])

  const { items, pages } = await readAllPages(app, apiUrl('user_1', '/audio/spans', 'limit=1'))

  t.equal(pages, 3)
  t.same(items, [
    { start: '2026-11-30T10:00:06.000Z', end: '2026-11-30T10:00:07.000Z', sample_rate: 8000, bytes: 16000 },
    { start: '2026-11-30T10:00:05.000Z', end: '2026-11-30T10:00:06.000Z', sample_rate: 16000, bytes: 32000 },
    { start: '2026-11-30T10:00:00.000Z', end: '2026-11-30T10:00:02.200Z', sample_rate: 16000, bytes: 64000 }
  ])
})

t.test('audio span downloads as WAV', async (t) => {
  const app = await build(t)
  const pieces = [sine(16000), sine(16000, 1, 16000), sine(16000, 1, 32000)]
  for (const pcm of pieces) await deliverAudio(app, 'user_1', pcm)
  setReceivedTimes(app, ['2026-11-30T10:00:00.000Z', '2026-11-30T10:00:01.000Z', '2026-11-30T10:00:09.000Z'])
  const spans = await app.inject({ method: 'GET', url: apiUrl('user_1', '/audio/spans') })
  const oldest = spans.json().items[1]

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/audio', `from=${oldest.start as string}&to=${oldest.end as string}`) })

  t.ok(response.rawPayload.subarray(44).equals(Buffer.concat(pieces.slice(0, 2))))
})

t.test('audio span keeps a short last piece', async (t) => {
  const app = await build(t)
  const pieces = [sine(16000), sine(16000, 0.00025)]
  for (const pcm of pieces) await deliverAudio(app, 'user_1', pcm)
  setReceivedTimes(app, ['2026-11-30T10:00:00.000Z', '2026-11-30T10:00:01.000Z'])
  const span = (await app.inject({ method: 'GET', url: apiUrl('user_1', '/audio/spans') })).json().items[0]

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/audio', `from=${span.start as string}&to=${span.end as string}`) })

  t.equal(span.end, '2026-11-30T10:00:01.001Z', 'the end is rounded up to the next millisecond')
  t.ok(response.rawPayload.subarray(44).equals(Buffer.concat(pieces)), 'both pieces')
})

t.test('sample rate picks one of overlapping spans', async (t) => {
  const app = await build(t)
  const wide = sine(16000, 0.1)
  await deliverAudio(app, 'user_1', wide)
  await deliverAudio(app, 'user_1', sine(8000, 0.1), 8000)
  setReceivedTimes(app, ['2026-11-30T10:00:00.000Z', '2026-11-30T10:00:00.011Z'])
  const spans = (await app.inject({ method: 'GET', url: apiUrl('user_1', '/audio/spans') })).json().items
  const span = spans.find((item: { sample_rate: number }) => item.sample_rate === 16000)
  const range = `from=${span.start as string}&to=${span.end as string}`

  const mixed = await app.inject({ method: 'GET', url: apiUrl('user_1', '/audio', range) })
  const narrowed = await app.inject({ method: 'GET', url: apiUrl('user_1', '/audio', `${range}&sample_rate=16000`) })

  t.equal(mixed.statusCode, 400)
  t.match(mixed.json().message, 'add sample_rate')
  t.equal(narrowed.statusCode, 200)
  t.ok(narrowed.rawPayload.subarray(44).equals(wide), 'only the 16 kHz piece')
})

t.test('audio stored in the database downloads', async (t) => {
  const app = await build(t)
  const pcm = sine(8000, 0.5)
  app.storage.db.prepare(`INSERT INTO audio_chunks (uid, received_at, sample_rate, byte_length, pcm)
    VALUES ('user_1', '2026-11-30T10:00:00.000Z', 8000, ?, ?)`).run(pcm.length, pcm)

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/audio') })

  t.equal(response.statusCode, 200)
  t.equal(response.rawPayload.readUInt32LE(24), 8000, 'sample rate')
  t.ok(response.rawPayload.subarray(44).equals(pcm), 'samples from the pcm column')
})
