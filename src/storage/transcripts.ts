import type { SqliteDatabase } from './database.js'
import type { StoredResult } from '../webhook/handlers.js'
import { statement } from './statements.js'
import { toFlag } from './memories.js'

export interface LiveSegmentRow {
  id?: string
  text: string
  speaker?: string | null
  speaker_id?: number | null
  is_user?: boolean | null
  start: number
  end: number
  confidence?: number
}

/**
 * Upserts live segments by (uid, session, segment id). A segment id that
 * arrives again replaces the stored text and times, since Omi resends a
 * segment with longer text as speech goes on. A segment without an id,
 * such as a typed transcript_segment, is keyed by its start time, so a retry
 * replaces the row rather than adding a second one.
 */
export function upsertLiveSegments (db: SqliteDatabase, uid: string, sessionId: string, segments: LiveSegmentRow[], receivedAt: string): StoredResult {
  const upsert = statement(db, `INSERT INTO live_segments
    (uid, session_id, segment_id, text, speaker, speaker_id, is_user, start, end, confidence, body, received_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (uid, session_id, segment_id) DO UPDATE SET
      text = excluded.text, speaker = excluded.speaker, speaker_id = excluded.speaker_id, is_user = excluded.is_user,
      start = excluded.start, end = excluded.end, confidence = excluded.confidence, body = excluded.body,
      updated_at = excluded.updated_at`)

  for (const segment of segments) {
    upsert.run(uid, sessionId, segment.id ?? `start:${segment.start}`, segment.text, segment.speaker ?? null,
      segment.speaker_id ?? null, toFlag(segment.is_user), segment.start, segment.end, segment.confidence ?? null,
      JSON.stringify(segment), receivedAt, receivedAt)
  }
  return { outcome: 'stored', count: segments.length }
}
