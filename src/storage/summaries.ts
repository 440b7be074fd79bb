import type { SqliteDatabase } from './database.js'
import type { StoredResult } from '../webhook/handlers.js'
import { statement } from './statements.js'
import { toUtcIso } from '../schemas/common.js'

export interface DaySummaryRow {
  summary?: string
  summary_json?: Record<string, unknown> | null
  created_at?: string
}

/**
 * Stores a day summary. `summary_json` is kept as JSON, and its id and date
 * are copied out for queries. A summary whose `summary_json.id` is already
 * stored for the uid replaces it, or is a duplicate when nothing changed.
 */
export function insertDaySummary (db: SqliteDatabase, uid: string, row: DaySummaryRow, receivedAt: string): StoredResult {
  const json = row.summary_json ?? null
  const values = {
    uid,
    summary_id: stringField(json, 'id'),
    date: stringField(json, 'date'),
    summary: row.summary ?? '',
    summary_json: json === null ? null : JSON.stringify(json),
    created_at: row.created_at === undefined ? null : toUtcIso(row.created_at),
    received_at: receivedAt
  }

  const existing = values.summary_id === null ? undefined : findSummary(db, uid, values.summary_id)
  if (existing === undefined) {
    const info = statement(db, `INSERT INTO day_summaries (uid, summary_id, date, summary, summary_json, created_at, received_at)
      VALUES (@uid, @summary_id, @date, @summary, @summary_json, @created_at, @received_at)`).run(values)
    return { outcome: 'stored', id: String(info.lastInsertRowid) }
  }

  const id = String(existing.seq)
  if (existing.summary === values.summary && existing.summary_json === values.summary_json && existing.created_at === values.created_at) {
    return { outcome: 'duplicate', id }
  }
  statement(db, `UPDATE day_summaries SET date = @date, summary = @summary, summary_json = @summary_json,
    created_at = @created_at, received_at = @received_at WHERE seq = @seq`).run({ ...values, seq: existing.seq })
  return { outcome: 'updated', id }
}

interface StoredSummary {
  seq: number
  summary: string
  summary_json: string | null
  created_at: string | null
}

function findSummary (db: SqliteDatabase, uid: string, summaryId: string): StoredSummary | undefined {
  return statement(db, 'SELECT seq, summary, summary_json, created_at FROM day_summaries WHERE uid = ? AND summary_id = ?')
    .get(uid, summaryId) as StoredSummary | undefined
}

export interface ButtonEventRow {
  event_id: string
  button_event: string
  device_id?: string | null
  timestamp?: string | null
  session_id?: string | null
}

/** Stores a button press once per (uid, event_id); the same event id again is a duplicate. */
export function insertButtonEvent (db: SqliteDatabase, uid: string, row: ButtonEventRow, receivedAt: string): StoredResult {
  const info = statement(db, `INSERT INTO button_events (uid, event_id, button_event, device_id, timestamp, session_id, received_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid, event_id) DO NOTHING`)
    .run(uid, row.event_id, row.button_event, row.device_id ?? null,
      row.timestamp === undefined || row.timestamp === null ? null : toUtcIso(row.timestamp), row.session_id ?? null, receivedAt)
  return { outcome: info.changes === 0 ? 'duplicate' : 'stored', id: row.event_id }
}

function stringField (object: Record<string, unknown> | null, name: string): string | null {
  const value = object?.[name]
  return typeof value === 'string' ? value : null
}
