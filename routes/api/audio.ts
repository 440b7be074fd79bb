import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Readable } from 'node:stream'
import { Type } from '@sinclair/typebox'
import { AudioSpan, ERROR_REPLIES, Page, PageQuery, UserParams } from '../../src/schemas/api.js'
import { Timestamp, toUtcIso } from '../../src/schemas/common.js'
import { describeAudio, listAudioSpans, openReadSnapshot, readAudioPieces, type AudioRange } from '../../src/storage/queries/audio.js'
import type { SqliteDatabase } from '../../src/storage/database.js'
import { MAX_WAV_DATA_BYTES, wavHeader } from '../../src/export/wav.js'
import { AudioTooLargeError, MixedSampleRatesError, NoAudioError } from './errors.js'

const AudioQuery = Type.Object({
  from: Type.Optional(Type.String({ ...Timestamp, description: 'Only audio received at or after this ISO 8601 time.' })),
  to: Type.Optional(Type.String({ ...Timestamp, description: 'Only audio received before this ISO 8601 time.' })),
  sample_rate: Type.Optional(Type.Integer({ minimum: 1000, maximum: 192000, description: 'Only audio at this sample rate, in Hz.' }))
})

const SpansQuery = Type.Object({ ...PageQuery })

/** Stored audio: one WAV file per time range, and the list of continuous stretches. */
const audioRoutes: FastifyPluginAsyncTypebox = async function (app) {
  app.get('/v1/users/:uid/audio', {
    schema: {
      summary: 'Download audio as WAV',
      description: 'Joins the PCM pieces received in [from, to), at sample_rate when given, into one 16-bit mono WAV file, streamed.',
      params: UserParams,
      querystring: AudioQuery,
      response: {
        200: { description: 'A WAV file.', content: { 'audio/wav': { schema: Type.Unsafe<Readable>({ type: 'string', format: 'binary' }) } } },
        ...ERROR_REPLIES
      }
    }
  }, async (request, reply) => {
    const { uid } = request.params
    const range = {
      from: request.query.from === undefined ? undefined : toUtcIso(request.query.from),
      to: request.query.to === undefined ? undefined : toUtcIso(request.query.to),
      sampleRate: request.query.sample_rate
    }
    const snapshot = openReadSnapshot(app.storage.db)

    let wav: CheckedWav
    try {
      wav = checkAudio(snapshot, uid, range)
    } catch (error) {
      snapshot.close()
      throw error
    }

    const body = Readable.from(wavChunks(snapshot, wav.header, uid, range))
    // A stream destroyed before its first read never runs the generator's finally block.
    /* c8 ignore next -- the true branch needs a client that disconnects before the first chunk is read */
    body.on('close', () => { if (snapshot.open) snapshot.close() })
    return reply
      .type('audio/wav')
      .header('content-length', String(wav.header.length + wav.dataBytes))
      .send(body)
  })

  app.get('/v1/users/:uid/audio/spans', {
    schema: {
      summary: 'List stretches of continuous audio',
      description: 'Newest first. Times are when pieces were received; pass a stretch\'s start, end and sample_rate ' +
        'as from, to and sample_rate of /audio.',
      params: UserParams,
      querystring: SpansQuery,
      response: { 200: Page(AudioSpan), ...ERROR_REPLIES }
    }
  }, async (request) => {
    return listAudioSpans(app.storage.db, request.params.uid, request.query.limit, request.query.cursor)
  })
}

interface CheckedWav {
  header: Buffer
  dataBytes: number
}

function checkAudio (snapshot: SqliteDatabase, uid: string, range: AudioRange): CheckedWav {
  const { sampleRates, bytes } = describeAudio(snapshot, uid, range)
  if (sampleRates.length === 0) throw new NoAudioError()
  if (sampleRates.length > 1) throw new MixedSampleRatesError(sampleRates.join(', '))
  /* c8 ignore next -- reaching the limit needs more than 4 GiB of stored audio in one test */
  if (bytes > MAX_WAV_DATA_BYTES) throw new AudioTooLargeError(bytes, MAX_WAV_DATA_BYTES)
  return { header: wavHeader(sampleRates[0], bytes), dataBytes: bytes }
}

/** Yields the header, then each piece, and closes the snapshot when the stream ends or the client goes away. */
function * wavChunks (snapshot: SqliteDatabase, header: Buffer, uid: string, range: AudioRange): Generator<Buffer> {
  try {
    yield header
    for (const piece of readAudioPieces(snapshot, uid, range)) yield piece.pcm
  } finally {
    snapshot.close()
  }
}

export default audioRoutes
