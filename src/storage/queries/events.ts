import type { SqliteDatabase } from '../database.js'
import { statement } from '../statements.js'
import { decodeCursor, toPage, type Page } from './cursor.js'

export interface DaySummaryRow {
  seq: number
  summary_id: string | null
  date: string | null
  summary: string
  summary_json: Record<string, unknown> | null
  created_at: string | null
  received_at: string
}

export interface DeliveryRow {
  seq: number
  type: string
  received_at: string
  size: number
  outcome: string
  status_code: number
  idempotency_key: string | null
  request_id: string | null
}

/** Lists day summaries, newest first. */
export function listDaySummaries (db: SqliteDatabase, uid: string, limit: number, cursor?: string): Page<DaySummaryRow> {
  const before = beforeSeq(cursor)
  const rows = statement(db, `SELECT seq, summary_id, date, summary, summary_json, created_at, received_at FROM day_summaries
    WHERE uid = ? AND seq < ? ORDER BY seq DESC LIMIT ?`)
    .all(uid, before, limit + 1) as Array<Omit<DaySummaryRow, 'summary_json'> & { summary_json: string | null }>

  return toPage(rows, limit, (row) => [row.seq], (row) => ({
    ...row,
    summary_json: row.summary_json === null ? null : JSON.parse(row.summary_json) as Record<string, unknown>
  }))
}

/** Lists the delivery log, newest first, optionally only deliveries of one event type. */
export function listDeliveries (db: SqliteDatabase, uid: string, type: string | undefined, limit: number, cursor?: string): Page<DeliveryRow> {
  const rows = statement(db, `SELECT seq, type, received_at, size, outcome, status_code, idempotency_key, request_id FROM deliveries
    WHERE uid = ? AND (? IS NULL OR type = ?) AND seq < ? ORDER BY seq DESC LIMIT ?`)
    .all(uid, type ?? null, type ?? null, beforeSeq(cursor), limit + 1) as DeliveryRow[]

  return toPage(rows, limit, (row) => [row.seq], (row) => row)
}

function beforeSeq (cursor: string | undefined): number {
  return cursor === undefined ? Number.MAX_SAFE_INTEGER : decodeCursor(cursor, ['number'])[0] as number
}
