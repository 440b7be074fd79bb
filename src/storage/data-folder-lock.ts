import Database from 'better-sqlite3'
import { chmodSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const LOCK_FILE = 'omi-webhook.lock'

/** Error thrown when another process, or another Storage in this process, has the data folder open. */
export class DataFolderInUseError extends Error {
  constructor (dataDir: string) {
    super(`the data folder ${resolve(dataDir)} (DATA_DIR) is in use by another omi-webhook instance; run one instance per data folder`)
    this.name = 'DataFolderInUseError'
  }
}

/**
 * Locks `dataDir` until the returned function is called, or throws
 * DataFolderInUseError at once if it is locked already. The lock is
 * SQLite's exclusive lock on an empty database file. It is a POSIX record
 * lock, which the kernel releases when the process ends, however it ends,
 * so a crash never leaves a stale lock behind.
 */
export function lockDataFolder (dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const path = join(dataDir, LOCK_FILE)
  const lock = new Database(path, { timeout: 0 })

  try {
    chmodSync(path, 0o600)
    // In exclusive locking mode a connection keeps the lock of its first write transaction until it closes.
    lock.pragma('locking_mode = EXCLUSIVE')
    lock.exec('BEGIN EXCLUSIVE; COMMIT')
  } catch (error) {
    lock.close()
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') throw new DataFolderInUseError(dataDir)
    throw error
  }

  return () => { lock.close() }
}

/** Throws DataFolderInUseError if another instance has `dataDir` locked, without keeping the lock. */
export function checkDataFolderFree (dataDir: string): void {
  lockDataFolder(dataDir)()
}
