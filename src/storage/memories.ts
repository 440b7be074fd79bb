import type { SqliteDatabase } from './database.js'
import type { StoredResult } from '../webhook/handlers.js'
import type { Static } from '@sinclair/typebox'
import type { Memory } from '../schemas/events.js'
import { toUtcIso } from '../schemas/common.js'
import { statement } from './statements.js'
import { indexConversation } from './search.js'

type MemoryObject = Static<typeof Memory>

/**
 * Upserts a conversation by (uid, id) with its full JSON and the fields
 * people query, and replaces its transcript segments. The same JSON again
 * is a duplicate; a changed one is an update.
 */
export function upsertMemory (db: SqliteDatabase, uid: string, memory: MemoryObject, receivedAt: string): StoredResult {
  const body = JSON.stringify(memory)
  const existing = statement(db, 'SELECT body FROM memories WHERE uid = ? AND id = ?').get(uid, memory.id) as { body: string } | undefined
  if (existing?.body === body) return { outcome: 'duplicate', id: memory.id }

  const structured = memory.structured ?? {}
  statement(db, `INSERT INTO memories
    (uid, id, created_at, started_at, finished_at, title, overview, emoji, category, source, language, body, received_at, updated_at)
    VALUES (@uid, @id, @created_at, @started_at, @finished_at, @title, @overview, @emoji, @category, @source, @language, @body, @received_at, @received_at)
    ON CONFLICT (uid, id) DO UPDATE SET
      created_at = excluded.created_at, started_at = excluded.started_at, finished_at = excluded.finished_at,
      title = excluded.title, overview = excluded.overview, emoji = excluded.emoji, category = excluded.category,
      source = excluded.source, language = excluded.language, body = excluded.body, updated_at = excluded.updated_at`)
    .run({
      uid,
      id: memory.id,
      created_at: toUtcIso(memory.created_at),
      started_at: optionalTime(memory.started_at),
      finished_at: optionalTime(memory.finished_at),
      title: structured.title ?? null,
      overview: structured.overview ?? null,
      emoji: structured.emoji ?? null,
      category: structured.category ?? null,
      source: memory.source ?? null,
      language: memory.language ?? null,
      body,
      received_at: receivedAt
    })

  replaceSegments(db, uid, memory)
  indexConversation(db, uid, memory.id)
  return { outcome: existing === undefined ? 'stored' : 'updated', id: memory.id }
}

function replaceSegments (db: SqliteDatabase, uid: string, memory: MemoryObject): void {
  statement(db, 'DELETE FROM conversation_segments WHERE uid = ? AND memory_id = ?').run(uid, memory.id)
  const insert = statement(db, `INSERT INTO conversation_segments
    (uid, memory_id, position, segment_id, speaker, speaker_id, is_user, person_id, start, end, text)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)

  memory.transcript_segments?.forEach((segment, position) => {
    insert.run(uid, memory.id, position, segment.id ?? null, segment.speaker ?? null, segment.speaker_id ?? null,
      toFlag(segment.is_user), segment.person_id ?? null, segment.start, segment.end, segment.text)
  })
}

export interface MemoryEventRow {
  type: string
  processingMemoryId?: string | null
  memoryId?: string | null
  status?: string | null
  name?: string | null
  body: unknown
}

/** Stores one of the memory lifecycle events with its ids and status. */
export function insertMemoryEvent (db: SqliteDatabase, uid: string, row: MemoryEventRow, receivedAt: string): StoredResult {
  const info = statement(db, `INSERT INTO memory_events
    (uid, type, processing_memory_id, memory_id, status, name, body, received_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(uid, row.type, row.processingMemoryId ?? null, row.memoryId ?? null, row.status ?? null, row.name ?? null,
      JSON.stringify(row.body), receivedAt)
  return { outcome: 'stored', id: String(info.lastInsertRowid) }
}

function optionalTime (value: string | null | undefined): string | null {
  return value === undefined || value === null ? null : toUtcIso(value)
}

export function toFlag (value: boolean | null | undefined): number | null {
  if (value === undefined || value === null) return null
  return value ? 1 : 0
}
