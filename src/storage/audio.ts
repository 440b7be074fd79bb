import type { SqliteDatabase } from './database.js'
import type { Storage, WriteWork } from './storage.js'
import type { StoredResult } from '../webhook/handlers.js'
import { statement } from './statements.js'
import { audioFilesOf, type DurableAppend } from './audio-files.js'

const EMPTY = Buffer.alloc(0)

export interface AudioPiece {
  seq: number
  uid: string
  receivedAt: string
  sampleRate: number
  pcm: Buffer
}

/** The parts of a piece settled before its row is written: its reserved `seq` and its bytes on disk. */
export interface PlacedAudio {
  seq: number
  durable?: DurableAppend
}

const nextSeqs = new WeakMap<SqliteDatabase, number>()

/**
 * Reserves the `seq` of a piece that arrives now. Pieces reach the disk in
 * any order, and readers sort by `received_at` and then `seq`, so pieces
 * received in the same millisecond keep their order of arrival. Every row
 * of `audio_chunks` must take its seq from here, because the table is read
 * only for the first one.
 */
export function reserveAudioSeq (db: SqliteDatabase): number {
  const seq = nextSeqs.get(db) ?? statement(db, 'SELECT coalesce(max(seq), 0) + 1 FROM audio_chunks').pluck().get() as number
  nextSeqs.set(db, seq + 1)
  return seq
}

/**
 * Reserves the `seq` of a piece that arrives now and writes its bytes to
 * disk on libuv's thread pool. Once `ready` resolves, pass `placed` to
 * `insertAudio`.
 */
export function placeAudio (db: SqliteDatabase, uid: string, receivedAt: string, pcm: Buffer): { placed: PlacedAudio, ready: Promise<void> } {
  const placed: PlacedAudio = { seq: reserveAudioSeq(db) }
  const ready = audioFilesOf(db).appendDurably(uid, receivedAt, pcm).then((durable) => { placed.durable = durable })
  return { placed, ready }
}

/**
 * Indexes one piece of 16-bit mono PCM in `audio_chunks` under `placed.seq`
 * or a new seq. It appends the piece to the uid's file of the day first,
 * unless `placed.durable` gives its location on disk. Call it inside
 * `Storage.write`, which flushes a file appended to here before the row
 * commits.
 */
export function insertAudio (db: SqliteDatabase, uid: string, pcm: Buffer, sampleRate: number, receivedAt: string, placed?: PlacedAudio): StoredResult {
  const files = audioFilesOf(db)
  const durable = placed?.durable
  // A delete may have removed the file since the bytes were written, and then the piece is appended again.
  const { file, offset } = durable !== undefined && files.isCurrent(durable) ? durable : files.append(uid, receivedAt, pcm)
  const info = statement(db, `INSERT INTO audio_chunks (seq, uid, received_at, sample_rate, byte_length, pcm, file, file_offset)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(placed?.seq ?? reserveAudioSeq(db), uid, receivedAt, sampleRate, pcm.length, EMPTY, file, offset)
  return { outcome: 'stored', id: String(info.lastInsertRowid) }
}

interface AudioRow {
  seq: number
  uid: string
  received_at: string
  sample_rate: number
  byte_length: number
  pcm: Buffer
  file: string | null
  file_offset: number | null
}

/**
 * Returns the audio pieces of `uid` received at or after `from` and before
 * `to` (ISO 8601 UTC strings), in order of arrival. Pieces stored before
 * audio moved to files keep their PCM in the `pcm` column and are read from there.
 */
export function readAudioPieces (db: SqliteDatabase, uid: string, from: string, to: string): AudioPiece[] {
  const rows = statement(db, `SELECT seq, uid, received_at, sample_rate, byte_length, pcm, file, file_offset FROM audio_chunks
    WHERE uid = ? AND received_at >= ? AND received_at < ? ORDER BY received_at, seq`).all(uid, from, to) as AudioRow[]
  const files = audioFilesOf(db)

  return rows.map((row) => ({
    seq: row.seq,
    uid: row.uid,
    receivedAt: row.received_at,
    sampleRate: row.sample_rate,
    pcm: row.file === null ? row.pcm : files.read(row.file, row.file_offset as number, row.byte_length)
  }))
}

/**
 * Deletes the audio pieces received before `before` (ISO 8601 UTC), of one
 * uid or of all when `uid` is undefined, and then the files no piece refers
 * to. Returns the number of pieces deleted.
 */
export async function deleteAudio (storage: Storage, uid: string | undefined, before: string): Promise<number> {
  const { deleted, unreferenced } = await storage.write((db) => deleteAudioRows(db, uid, before))
  const files = audioFilesOf(storage.db)
  for (const file of unreferenced) files.remove(file)
  return deleted
}

function deleteAudioRows (db: SqliteDatabase, uid: string | undefined, before: string): { deleted: number, unreferenced: string[] } {
  const where = uid === undefined ? 'received_at < ?' : 'uid = ? AND received_at < ?'
  const parameters = uid === undefined ? [before] : [uid, before]
  const candidates = statement(db, `SELECT DISTINCT file FROM audio_chunks WHERE ${where} AND file IS NOT NULL`)
    .pluck().all(...parameters) as string[]
  const info = statement(db, `DELETE FROM audio_chunks WHERE ${where}`).run(...parameters)

  const unreferenced = candidates.filter((file) => !isReferenced(db, file))
  const files = audioFilesOf(db)
  for (const file of unreferenced) files.retire(file)
  return { deleted: info.changes, unreferenced }
}

/**
 * Deletes the audio files that no row of `audio_chunks` refers to, and
 * returns their paths. Run it at startup, before any piece is appended.
 */
export function removeUnreferencedAudio (db: SqliteDatabase): string[] {
  return audioFilesOf(db).removeUnreferenced((file) => isReferenced(db, file))
}

function isReferenced (db: SqliteDatabase, file: string): boolean {
  return statement(db, 'SELECT 1 FROM audio_chunks WHERE file = ? LIMIT 1').pluck().get(file) !== undefined
}

/**
 * Deletes every audio piece of `uid` and runs `work` in the same
 * transaction, then removes the uid's audio files, including bytes no row
 * refers to (from writes that rolled back). Returns the number of pieces
 * deleted and the result of `work`.
 */
export async function eraseAudio<T> (storage: Storage, uid: string, work: WriteWork<T>): Promise<{ pieces: number, result: T }> {
  const { pieces, retired, result } = await storage.write((db) => {
    const pieces = statement(db, 'DELETE FROM audio_chunks WHERE uid = ?').run(uid).changes
    return { pieces, retired: audioFilesOf(db).retireFolder(uid), result: work(db) }
  })

  const files = audioFilesOf(storage.db)
  for (const file of retired) files.remove(file)
  files.removeEmptyFolder(uid)
  return { pieces, result }
}
