import Database from 'better-sqlite3'
import { dirname } from 'node:path'
import { AudioFiles } from '../audio-files.js'
import type { SqliteDatabase } from '../database.js'
import { statement } from '../statements.js'
import { decodeCursor, toPage, type Page } from './cursor.js'

/**
 * Gap allowed between the end of one piece and the arrival of the next
 * within one stretch of audio. An estimate of delivery jitter: Omi sends
 * pieces as they are recorded, so a stretch arrives at about real-time pace.
 */
export const SPAN_TOLERANCE_MS = 1500

export interface AudioRange {
  /** Only pieces received at or after this ISO 8601 time. */
  from?: string
  /** Only pieces received before this ISO 8601 time. */
  to?: string
  /** Only pieces at this sample rate, in Hz. */
  sampleRate?: number
}

export interface AudioPiece {
  sampleRate: number
  pcm: Buffer
}

export interface AudioSummary {
  sampleRates: number[]
  bytes: number
}

const RANGE = 'uid = @uid AND (@from IS NULL OR received_at >= @from) AND (@to IS NULL OR received_at < @to) ' +
  'AND (@sampleRate IS NULL OR sample_rate = @sampleRate)'

/**
 * Opens a second, read-only connection to the database with a read
 * transaction, so a stream can read across many event loop turns while
 * the main connection keeps writing, and every read returns the same snapshot.
 */
export function openReadSnapshot (db: SqliteDatabase): SqliteDatabase {
  const reader = new Database(db.name, { readonly: true, fileMustExist: true })
  reader.exec('BEGIN')
  return reader
}

/** Returns the distinct sample rates and the total PCM bytes of the pieces in a range. */
export function describeAudio (db: SqliteDatabase, uid: string, range: AudioRange): AudioSummary {
  const rows = db.prepare(`SELECT sample_rate, SUM(byte_length) AS bytes FROM audio_chunks WHERE ${RANGE}
    GROUP BY sample_rate ORDER BY sample_rate`)
    .all(bindRange(uid, range)) as Array<{ sample_rate: number, bytes: number }>
  return {
    sampleRates: rows.map((row) => row.sample_rate),
    bytes: rows.reduce((total, row) => total + row.bytes, 0)
  }
}

interface StoredPieceRow {
  sample_rate: number
  byte_length: number
  pcm: Buffer
  file: string | null
  file_offset: number | null
}

/**
 * Yields the pieces of a range in order of arrival, one row at a time. PCM
 * lives in the audio files beside the database, except for pieces stored
 * before audio moved to files, which keep it in the `pcm` column.
 */
export function * readAudioPieces (db: SqliteDatabase, uid: string, range: AudioRange): Generator<AudioPiece> {
  const files = new AudioFiles(dirname(db.name))
  const rows = db.prepare(`SELECT sample_rate, byte_length, pcm, file, file_offset FROM audio_chunks WHERE ${RANGE}
    ORDER BY received_at, seq`)
    .iterate(bindRange(uid, range)) as IterableIterator<StoredPieceRow>
  for (const row of rows) {
    const pcm = row.file === null ? row.pcm : files.read(row.file, row.file_offset as number, row.byte_length)
    yield { sampleRate: row.sample_rate, pcm }
  }
}

export interface AudioSpanRow {
  start: string
  end: string
  sample_rate: number
  bytes: number
}

interface SpanInProgress extends AudioSpanRow {
  startMs: number
  key: [string, number]
}

interface PieceRow {
  seq: number
  received_at: string
  sample_rate: number
  byte_length: number
}

/**
 * Lists stretches of continuous audio, newest first. Pieces belong to one
 * stretch when they have the same sample rate and each arrived within its
 * predecessor's duration plus SPAN_TOLERANCE_MS.
 */
export function listAudioSpans (db: SqliteDatabase, uid: string, limit: number, cursor?: string): Page<AudioSpanRow> {
  const [receivedAt, seq] = cursor === undefined ? [null, null] : decodeCursor(cursor, ['string', 'number'])
  const pieces = statement(db, `SELECT seq, received_at, sample_rate, byte_length FROM audio_chunks
    WHERE uid = @uid AND (@receivedAt IS NULL OR (received_at, seq) < (@receivedAt, @seq))
    ORDER BY received_at DESC, seq DESC`)
    .iterate({ uid, receivedAt, seq }) as IterableIterator<PieceRow>

  const spans: SpanInProgress[] = []
  for (const piece of pieces) {
    const current = spans.at(-1)
    if (current !== undefined && continues(piece, current)) {
      extend(current, piece)
      continue
    }
    spans.push(startSpan(piece))
    // One span beyond the page shows that another page exists, so it need not be complete.
    if (spans.length > limit) break
  }

  return toPage(spans, limit, (span) => span.key, ({ start, end, sample_rate: sampleRate, bytes }) => ({ start, end, sample_rate: sampleRate, bytes }))
}

function continues (older: PieceRow, span: SpanInProgress): boolean {
  return older.sample_rate === span.sample_rate && span.startMs - Date.parse(older.received_at) <= durationMs(older) + SPAN_TOLERANCE_MS
}

function startSpan (piece: PieceRow): SpanInProgress {
  const startMs = Date.parse(piece.received_at)
  return {
    start: piece.received_at,
    // Rounded up, so a span's end used as `to` (exclusive) still takes in a last piece shorter than 1 ms.
    end: new Date(Math.ceil(startMs + durationMs(piece))).toISOString(),
    sample_rate: piece.sample_rate,
    bytes: piece.byte_length,
    startMs,
    key: [piece.received_at, piece.seq]
  }
}

function extend (span: SpanInProgress, older: PieceRow): void {
  span.start = older.received_at
  span.startMs = Date.parse(older.received_at)
  span.bytes += older.byte_length
  span.key = [older.received_at, older.seq]
}

function durationMs (piece: PieceRow): number {
  return piece.byte_length / 2 / piece.sample_rate * 1000
}

function bindRange (uid: string, range: AudioRange) {
  return { uid, from: range.from ?? null, to: range.to ?? null, sampleRate: range.sampleRate ?? null }
}
