import type { SqliteDatabase } from './database.js'
import type { Delivery, WriteResult, StoredResult } from '../webhook/handlers.js'
import type { Storage, WriteWork } from './storage.js'
import { statement } from './statements.js'

/** Queues a family's write with the delivery's record, once the family's `ready` promise (if any) has resolved. */
export function writeDelivery (storage: Storage, type: string, delivery: Delivery, result: WriteResult): Promise<StoredResult> {
  const work = recordDelivery(type, delivery, result.write)
  if (result.ready === undefined) return storage.write(work)
  return result.ready.then(() => storage.write(work))
}

/**
 * Runs a family's write for one delivery, unless its idempotency key was
 * already stored for this uid, and records the delivery in the event log.
 */
export function recordDelivery (type: string, delivery: Delivery, work: WriteWork<StoredResult>): WriteWork<StoredResult> {
  return (db) => {
    if (delivery.idempotencyKey !== undefined && isKnownKey(db, delivery.uid, delivery.idempotencyKey)) {
      insertDelivery(db, type, delivery, 'duplicate', 200)
      return { outcome: 'duplicate' }
    }

    const result = work(db)
    const seq = insertDelivery(db, type, delivery, result.outcome, 200)
    if (delivery.idempotencyKey !== undefined) {
      statement(db, 'INSERT INTO idempotency_keys (uid, key, delivery_seq) VALUES (?, ?, ?)')
        .run(delivery.uid, delivery.idempotencyKey, seq)
    }
    return result
  }
}

/** Records a delivery that was rejected after its uid was authenticated. */
export function recordRejection (db: SqliteDatabase, type: string, delivery: Delivery, statusCode: number): void {
  insertDelivery(db, type, delivery, 'rejected', statusCode)
}

function isKnownKey (db: SqliteDatabase, uid: string, key: string): boolean {
  return statement(db, 'SELECT 1 FROM idempotency_keys WHERE uid = ? AND key = ?').get(uid, key) !== undefined
}

function insertDelivery (db: SqliteDatabase, type: string, delivery: Delivery, outcome: string, statusCode: number): number {
  const info = statement(db, `INSERT INTO deliveries
    (uid, type, received_at, size, outcome, status_code, idempotency_key, request_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(delivery.uid, type, delivery.receivedAt, delivery.size, outcome, statusCode, delivery.idempotencyKey ?? null, delivery.requestId)
  return Number(info.lastInsertRowid)
}
