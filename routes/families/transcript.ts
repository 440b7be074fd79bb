import type { FastifyPluginAsync } from 'fastify'
import createError from '@fastify/error'
import { upsertLiveSegments } from '../../src/storage/transcripts.js'

export const SegmentTimesError = createError('OMI_SEGMENT_TIMES', '%s', 400)

/** Session used for live segments that name none, so they still group per user. */
const DEFAULT_SESSION = 'default'

/** The transcript family: typed transcript segments and Omi's live transcript deliveries. */
const transcriptFamily: FastifyPluginAsync = async function (app) {
  app.addEventHandler('transcript_segment', (event, delivery) => {
    const { text, start_time: start, end_time: end, confidence } = event.segment
    if (end < start) throw new SegmentTimesError(`body/segment/end_time must not be before start_time (got ${end} < ${start})`)

    const row = { text, start, end, confidence }
    return { write: (db) => upsertLiveSegments(db, delivery.uid, event.session_id ?? DEFAULT_SESSION, [row], delivery.receivedAt) }
  })

  app.addEventHandler('realtime_transcript', (event, delivery) => {
    event.segments.forEach((segment, index) => {
      if (segment.end < segment.start) throw new SegmentTimesError(`body/segments/${index}/end must not be before start (got ${segment.end} < ${segment.start})`)
    })

    return { write: (db) => upsertLiveSegments(db, delivery.uid, event.session_id ?? DEFAULT_SESSION, event.segments, delivery.receivedAt) }
  })
}

export default transcriptFamily
