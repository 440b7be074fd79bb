import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { DATABASE_FILE } from './database.js'
import { Storage } from './storage.js'

export interface CompactResult {
  path: string
  /** Size of the database file and its write-ahead log before and after, in bytes. */
  bytesBefore: number
  bytesAfter: number
}

/**
 * Rewrites the database in `dataDir` without what deleted rows leave
 * behind. A delete frees pages but keeps their bytes in the file, and the
 * search index keeps the words of a deleted conversation until its
 * segments are merged. This merges the whole search index, rebuilds the
 * file with VACUUM and empties the write-ahead log. It opens the folder as
 * a Storage, so it throws DataFolderInUseError while the service runs.
 */
export function compactDatabase (dataDir: string): CompactResult {
  const path = join(dataDir, DATABASE_FILE)
  if (!existsSync(path)) throw new Error(`no database found at ${path}: set DATA_DIR to the data folder of the service`)

  const bytesBefore = databaseBytes(path)
  const storage = new Storage(dataDir)
  try {
    storage.db.exec("INSERT INTO conversation_search (conversation_search) VALUES ('optimize')")
    storage.db.exec('VACUUM')
    storage.db.pragma('wal_checkpoint(TRUNCATE)')
  } finally {
    storage.close()
  }
  return { path, bytesBefore, bytesAfter: databaseBytes(path) }
}

function databaseBytes (path: string): number {
  const wal = statSync(`${path}-wal`, { throwIfNoEntry: false })
  return statSync(path).size + (wal?.size ?? 0)
}
