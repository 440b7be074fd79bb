import Database from 'better-sqlite3'
import { mkdirSync, chmodSync } from 'node:fs'
import { join } from 'node:path'
import { migrations } from './migrations.js'

export const DATABASE_FILE = 'omi-webhook.sqlite'

export type SqliteDatabase = Database.Database

/**
 * Opens the database in `dataDir` and migrates it to the latest schema.
 *
 * WAL lets readers run beside the writer. synchronous=FULL makes every commit
 * wait for fsync of the WAL, so a 2xx sent after a commit survives a power
 * loss; group commit (see Storage) shares that fsync among concurrent requests.
 */
export function openDatabase (dataDir: string): SqliteDatabase {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const path = join(dataDir, DATABASE_FILE)
  const db = new Database(path)
  try {
    chmodSync(path, 0o600)
    // Takes effect only on a new, empty file, so that deleted rows can be given back with incremental_vacuum.
    db.pragma('auto_vacuum = INCREMENTAL')
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('busy_timeout = 5000')
    db.pragma('foreign_keys = ON')
    migrate(db)
  } catch (error) {
    db.close()
    throw error
  }
  return db
}

export function migrate (db: SqliteDatabase): void {
  const applied = db.pragma('user_version', { simple: true }) as number
  for (let version = applied; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version])
      db.pragma(`user_version = ${version + 1}`)
    })()
  }
}
