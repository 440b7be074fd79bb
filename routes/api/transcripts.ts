import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ERROR_REPLIES, LiveSegment, Page, PageQuery, Since, TEXT_TRANSCRIPT_CONTENT, TranscriptFormat, UserParams } from '../../src/schemas/api.js'
import { toUtcIso } from '../../src/schemas/common.js'
import { listLiveSegments, readLiveTranscript } from '../../src/storage/queries/transcripts.js'
import { CONTENT_TYPES, formatTranscript } from '../../src/export/transcript.js'

const TranscriptsQuery = Type.Object({
  ...PageQuery,
  session_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only segments of this live session.' })),
  since: Since,
  format: TranscriptFormat
})

/** Live transcript segments, which hold the latest text Omi sent for each segment. */
const transcriptRoutes: FastifyPluginAsyncTypebox = async function (app) {
  app.get('/v1/users/:uid/transcripts', {
    schema: {
      summary: 'Read live transcript segments',
      description: 'format=json returns a page, newest first by the time each segment was first received. ' +
        'txt, srt and vtt return every matching segment in one file, ordered by session and start time, and ignore limit and cursor.',
      params: UserParams,
      querystring: TranscriptsQuery,
      response: {
        200: {
          description: 'A page of segments, or a text or subtitle file.',
          content: {
            'application/json': { schema: Page(LiveSegment) },
            ...TEXT_TRANSCRIPT_CONTENT
          }
        },
        ...ERROR_REPLIES
      }
    }
  }, async (request, reply) => {
    const { uid } = request.params
    const { session_id: sessionId, since, format, limit, cursor } = request.query
    const filter = { sessionId, since: since === undefined ? undefined : toUtcIso(since) }

    if (format === 'json') {
      return reply.type('application/json; charset=utf-8').send(listLiveSegments(app.storage.db, uid, filter, limit, cursor))
    }
    return reply.type(CONTENT_TYPES[format]).send(formatTranscript(readLiveTranscript(app.storage.db, uid, filter), format))
  })
}

export default transcriptRoutes
