import type { SqliteDatabase } from './storage/database.js'
import type { Storage } from './storage/storage.js'
import { deleteAudio } from './storage/audio.js'

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Rows deleted per write. Deleting in batches keeps each transaction short,
 * so deliveries that arrive during a large clean-up wait for one batch, not
 * for all of them.
 */
export const BATCH_SIZE = 500

export interface RetentionPolicy {
  /** Days to keep audio; 0 keeps it forever. */
  audioDays: number
  /** Days to keep the delivery log, memory events, live transcripts and day summaries; 0 keeps them forever. */
  dataDays: number
}

export type DeletedRows = Record<string, number>

/**
 * Tables cleared by DATA_RETENTION_DAYS, each with the statements that
 * delete one batch of rows received before the cutoff; the last statement's
 * count is the table's. Conversations (memories and their segments) and
 * button events are kept.
 */
const DATA_TABLES: Record<string, string[]> = {
  // A batch of deliveries takes its idempotency keys along, in the same transaction.
  deliveries: [
    `DELETE FROM idempotency_keys WHERE delivery_seq IN
      (SELECT seq FROM deliveries WHERE received_at < @cutoff ORDER BY seq LIMIT @limit)`,
    `DELETE FROM deliveries WHERE seq IN
      (SELECT seq FROM deliveries WHERE received_at < @cutoff ORDER BY seq LIMIT @limit)`
  ],
  memory_events: [`DELETE FROM memory_events WHERE seq IN
    (SELECT seq FROM memory_events WHERE received_at < @cutoff ORDER BY seq LIMIT @limit)`],
  day_summaries: [`DELETE FROM day_summaries WHERE seq IN
    (SELECT seq FROM day_summaries WHERE received_at < @cutoff ORDER BY seq LIMIT @limit)`],
  live_segments: [`DELETE FROM live_segments WHERE (uid, session_id, segment_id) IN
    (SELECT uid, session_id, segment_id FROM live_segments WHERE received_at < @cutoff LIMIT @limit)`]
}

/**
 * Deletes audio and data older than the policy allows, in batches through
 * the write queue, then returns freed pages to the file system. Returns the
 * rows deleted per table.
 */
export async function applyRetention (storage: Storage, policy: RetentionPolicy, now = new Date()): Promise<DeletedRows> {
  const deleted: DeletedRows = {}

  if (policy.audioDays > 0) {
    deleted.audio_chunks = await deleteAudio(storage, undefined, cutoff(now, policy.audioDays))
  }
  if (policy.dataDays > 0) {
    const before = cutoff(now, policy.dataDays)
    for (const [table, statements] of Object.entries(DATA_TABLES)) {
      deleted[table] = await deleteAll(storage, (db, limit) => runBatch(db, statements, { cutoff: before, limit }))
    }
  }

  if (Object.values(deleted).some((count) => count > 0)) reclaimSpace(storage.db)
  return deleted
}

function runBatch (db: SqliteDatabase, statements: string[], parameters: { cutoff: string, limit: number }): number {
  let changes = 0
  for (const sql of statements) changes = db.prepare(sql).run(parameters).changes
  return changes
}

async function deleteAll (storage: Storage, deleteBatch: (db: SqliteDatabase, limit: number) => number): Promise<number> {
  let total = 0
  for (;;) {
    const count = await storage.write((db) => deleteBatch(db, BATCH_SIZE))
    total += count
    if (count < BATCH_SIZE) return total
  }
}

/**
 * Frees the pages of deleted rows and truncates the write-ahead log. With
 * auto_vacuum=INCREMENTAL the file shrinks; without it (databases created
 * before that setting) SQLite reuses the free pages for new rows instead.
 */
function reclaimSpace (db: SqliteDatabase): void {
  db.pragma('incremental_vacuum')
  db.pragma('wal_checkpoint(TRUNCATE)')
}

function cutoff (now: Date, days: number): string {
  return new Date(now.getTime() - days * DAY_MS).toISOString()
}
