import type { SqliteDatabase } from './database.js'
import type { StoredResult } from '../webhook/handlers.js'
import { statement } from './statements.js'

/** Appends one piece of 16-bit mono PCM; pieces keep their order of arrival through `seq`. */
export function insertAudio (db: SqliteDatabase, uid: string, pcm: Buffer, sampleRate: number, receivedAt: string): StoredResult {
  const info = statement(db, `INSERT INTO audio_chunks (uid, received_at, sample_rate, byte_length, pcm)
    VALUES (?, ?, ?, ?, ?)`)
    .run(uid, receivedAt, sampleRate, pcm.length, pcm)
  return { outcome: 'stored', id: String(info.lastInsertRowid) }
}
