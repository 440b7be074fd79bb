import type { TimedSegment } from '../../export/transcript.js'
import type { SqliteDatabase } from '../database.js'
import { statement } from '../statements.js'
import { toMatchQuery } from '../search.js'
import { decodeCursor, toPage, type Page } from './cursor.js'

export interface ConversationFilter {
  since?: string
  until?: string
  /** Words to search for in titles, overviews and transcripts. */
  q?: string
  limit: number
  cursor?: string
}

export interface ConversationSummaryRow {
  id: string
  created_at: string | null
  started_at: string | null
  finished_at: string | null
  title: string | null
  overview: string | null
  emoji: string | null
  category: string | null
  source: string | null
  language: string | null
}

type RankedRow = ConversationSummaryRow & { score: number }

const SUMMARY_COLUMNS = 'm.id, m.created_at, m.started_at, m.finished_at, m.title, m.overview, m.emoji, m.category, m.source, m.language'
const TIME_RANGE = '(@since IS NULL OR m.created_at >= @since) AND (@until IS NULL OR m.created_at < @until)'

/** Lists a user's conversations, newest first, or by relevance when `q` is set. */
export function listConversations (db: SqliteDatabase, uid: string, filter: ConversationFilter): Page<ConversationSummaryRow> {
  const match = filter.q === undefined ? '' : toMatchQuery(filter.q)
  if (match !== '') return searchConversations(db, uid, match, filter)

  const [createdAt, id] = filter.cursor === undefined ? [null, null] : decodeCursor(filter.cursor, ['string', 'string'])
  const rows = statement(db, `SELECT ${SUMMARY_COLUMNS} FROM memories AS m
    WHERE m.uid = @uid AND ${TIME_RANGE}
      AND (@createdAt IS NULL OR m.created_at < @createdAt OR (m.created_at = @createdAt AND m.id < @id))
    ORDER BY m.created_at DESC, m.id DESC LIMIT @limit`)
    .all({ uid, since: filter.since ?? null, until: filter.until ?? null, createdAt, id, limit: filter.limit + 1 }) as ConversationSummaryRow[]

  return toPage(rows, filter.limit, (row) => [row.created_at as string, row.id], (row) => row)
}

/**
 * Ranks matches by bm25, best first, with title matches weighted above
 * overview matches and both above transcript matches. FTS5 itself keeps
 * only the entries with the uid's token in the owner column, and the words
 * are searched in the other three columns only. The score is part of the
 * cursor, so pages stay consistent while no conversation changes.
 */
function searchConversations (db: SqliteDatabase, uid: string, match: string, filter: ConversationFilter): Page<ConversationSummaryRow> {
  const [score, createdAt, id] = filter.cursor === undefined ? [null, null, null] : decodeCursor(filter.cursor, ['number', 'string', 'string'])
  // MATERIALIZED keeps bm25() in the query that contains MATCH, because FTS5 rejects it anywhere else.
  const rows = statement(db, `WITH matches AS MATERIALIZED (
      SELECT rowid, bm25(conversation_search, 4.0, 2.0, 1.0, 0.0) AS score FROM conversation_search
      WHERE conversation_search MATCH 'owner : "' || hex(@uid) || '" AND {title overview transcript} : (' || @match || ')'
    )
    SELECT ${SUMMARY_COLUMNS}, matches.score FROM matches
    JOIN conversation_search_keys AS keys ON keys.rowid = matches.rowid
    JOIN memories AS m ON m.uid = keys.uid AND m.id = keys.memory_id
    WHERE keys.uid = @uid AND ${TIME_RANGE}
      AND (@score IS NULL OR matches.score > @score OR (matches.score = @score
        AND (m.created_at < @createdAt OR (m.created_at = @createdAt AND m.id < @id))))
    ORDER BY matches.score, m.created_at DESC, m.id DESC LIMIT @limit`)
    .all({ match, uid, since: filter.since ?? null, until: filter.until ?? null, score, createdAt, id, limit: filter.limit + 1 }) as RankedRow[]

  return toPage(rows, filter.limit, (row) => [row.score, row.created_at as string, row.id], ({ score: _score, ...summary }) => summary)
}

/** Returns the conversation JSON as received, or undefined when the user has no conversation with this id. */
export function getConversationBody (db: SqliteDatabase, uid: string, id: string): string | undefined {
  const row = statement(db, 'SELECT body FROM memories WHERE uid = ? AND id = ?').get(uid, id) as { body: string } | undefined
  return row?.body
}

export interface SegmentRow extends TimedSegment {
  id: string | null
}

/** Returns the transcript segments of a conversation in order, or undefined when the conversation is unknown. */
export function getConversationSegments (db: SqliteDatabase, uid: string, id: string): SegmentRow[] | undefined {
  if (getConversationBody(db, uid, id) === undefined) return undefined

  const rows = statement(db, `SELECT segment_id AS id, text, speaker, speaker_id, is_user, start, end
    FROM conversation_segments WHERE uid = ? AND memory_id = ? ORDER BY position`)
    .all(uid, id) as Array<Omit<SegmentRow, 'is_user'> & { is_user: number | null }>
  return rows.map(withBooleanFlag)
}

/**
 * Deletes a conversation with its segments, search entry (through the
 * memories_deleted trigger) and lifecycle events. Returns false when the
 * user has no conversation with this id.
 */
export function deleteConversation (db: SqliteDatabase, uid: string, id: string): boolean {
  const deleted = statement(db, 'DELETE FROM memories WHERE uid = ? AND id = ?').run(uid, id).changes > 0
  statement(db, 'DELETE FROM conversation_segments WHERE uid = ? AND memory_id = ?').run(uid, id)
  statement(db, 'DELETE FROM memory_events WHERE uid = ? AND memory_id = ?').run(uid, id)
  return deleted
}

export function withBooleanFlag<R extends { is_user: number | null }> (row: R): Omit<R, 'is_user'> & { is_user: boolean | null } {
  return { ...row, is_user: row.is_user === null ? null : row.is_user === 1 }
}
