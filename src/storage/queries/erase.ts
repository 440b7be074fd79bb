import type { SqliteDatabase } from '../database.js'

/**
 * Deletes every row of a user from every table with a `uid` column, so
 * tables added by later migrations are included. `memories` goes first, so
 * its trigger also removes the search entries. Returns the number of
 * deleted rows per table.
 */
export function eraseUser (db: SqliteDatabase, uid: string): Record<string, number> {
  const deleted: Record<string, number> = {}
  for (const table of tablesWithUid(db)) {
    deleted[table] = db.prepare(`DELETE FROM "${table}" WHERE uid = ?`).run(uid).changes
  }
  return deleted
}

function tablesWithUid (db: SqliteDatabase): string[] {
  const rows = db.prepare(`SELECT name FROM sqlite_schema
    WHERE type = 'table' AND EXISTS (SELECT 1 FROM pragma_table_info(sqlite_schema.name) WHERE name = 'uid')
    ORDER BY name = 'memories' DESC, name`)
    .all() as Array<{ name: string }>
  return rows.map((row) => row.name)
}
