import type { TimedSegment } from '../../export/transcript.js'
import type { SqliteDatabase } from '../database.js'
import { statement } from '../statements.js'
import { decodeCursor, toPage, type Page } from './cursor.js'
import { withBooleanFlag } from './conversations.js'

export interface LiveSegmentFilter {
  sessionId?: string
  since?: string
}

export interface LiveSegmentRow extends TimedSegment {
  id: string
  session_id: string
  confidence: number | null
  received_at: string
  updated_at: string
}

const COLUMNS = 'segment_id AS id, session_id, text, speaker, speaker_id, is_user, start, end, confidence, received_at, updated_at'
const FILTER = `uid = @uid AND (@sessionId IS NULL OR session_id = @sessionId) AND (@since IS NULL OR received_at >= @since)`

type StoredRow = Omit<LiveSegmentRow, 'is_user'> & { is_user: number | null }

/** Lists live segments newest first, by the time each segment was first received. */
export function listLiveSegments (db: SqliteDatabase, uid: string, filter: LiveSegmentFilter, limit: number, cursor?: string): Page<LiveSegmentRow> {
  const [receivedAt, sessionId, segmentId] = cursor === undefined ? [null, null, null] : decodeCursor(cursor, ['string', 'string', 'string'])
  const rows = statement(db, `SELECT ${COLUMNS} FROM live_segments
    WHERE ${FILTER} AND (@receivedAt IS NULL OR (received_at, session_id, segment_id) < (@receivedAt, @cursorSession, @segmentId))
    ORDER BY received_at DESC, session_id DESC, segment_id DESC LIMIT @limit`)
    .all({ uid, ...bindFilter(filter), receivedAt, cursorSession: sessionId, segmentId, limit: limit + 1 }) as StoredRow[]

  return toPage(rows, limit, (row) => [row.received_at, row.session_id, row.id], withBooleanFlag)
}

/** Returns every matching live segment in spoken order: by session, then start time. */
export function readLiveTranscript (db: SqliteDatabase, uid: string, filter: LiveSegmentFilter): LiveSegmentRow[] {
  const rows = statement(db, `SELECT ${COLUMNS} FROM live_segments WHERE ${FILTER}
    ORDER BY session_id, start, segment_id`)
    .all({ uid, ...bindFilter(filter) }) as StoredRow[]
  return rows.map(withBooleanFlag)
}

function bindFilter (filter: LiveSegmentFilter) {
  return { sessionId: filter.sessionId ?? null, since: filter.since ?? null }
}
