import type { SqliteDatabase } from './database.js'
import { statement } from './statements.js'

/**
 * Writes the search entry of one stored conversation: its title, overview,
 * the text of its transcript segments in order, and its owner, the hex of
 * its uid as a single token. Call it after the conversation and its
 * segments are written, in the same transaction.
 */
export function indexConversation (db: SqliteDatabase, uid: string, memoryId: string): void {
  statement(db, 'INSERT INTO conversation_search_keys (uid, memory_id) VALUES (?, ?) ON CONFLICT (uid, memory_id) DO NOTHING')
    .run(uid, memoryId)
  const { rowid } = statement(db, 'SELECT rowid FROM conversation_search_keys WHERE uid = ? AND memory_id = ?')
    .get(uid, memoryId) as { rowid: number }

  statement(db, 'DELETE FROM conversation_search WHERE rowid = ?').run(rowid)
  statement(db, `INSERT INTO conversation_search (rowid, title, overview, transcript, owner)
    SELECT ?, title, overview,
      (SELECT group_concat(text, ' ') FROM
        (SELECT text FROM conversation_segments WHERE uid = ? AND memory_id = ? ORDER BY position)),
      hex(uid)
    FROM memories WHERE uid = ? AND id = ?`)
    .run(rowid, uid, memoryId, uid, memoryId)
}

/**
 * Turns what a user typed into an FTS5 query that matches every word.
 * Each word is quoted, so FTS5 operators and punctuation in the input are
 * searched as text instead of being parsed as query syntax.
 */
export function toMatchQuery (text: string): string {
  // FTS5 reads the query as a C string, which a NUL character would end, so it separates words like a space.
  return text.split(/[\s\0]+/)
    .filter((word) => word !== '')
    .map((word) => `"${word.replaceAll('"', '""')}"`)
    .join(' ')
}
