import type { Statement } from 'better-sqlite3'
import type { SqliteDatabase } from './database.js'

const cache = new WeakMap<SqliteDatabase, Map<string, Statement>>()

/** Returns the prepared statement for `sql` on `db`, preparing it once. */
export function statement (db: SqliteDatabase, sql: string): Statement {
  let statements = cache.get(db)
  if (statements === undefined) {
    statements = new Map()
    cache.set(db, statements)
  }

  let prepared = statements.get(sql)
  if (prepared === undefined) {
    prepared = db.prepare(sql)
    statements.set(sql, prepared)
  }
  return prepared
}
