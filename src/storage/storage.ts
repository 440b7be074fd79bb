import { openDatabase, type SqliteDatabase } from './database.js'
import { audioFilesOf, type AudioFiles } from './audio-files.js'
import { lockDataFolder } from './data-folder-lock.js'

export type WriteWork<T> = (db: SqliteDatabase) => T

interface PendingWrite {
  work: WriteWork<unknown>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

type Outcome = { value: unknown } | { error: unknown }

/** Marks an error thrown by one piece of a batch, as opposed to the commit. */
class PieceError extends Error {}

type RunPiece = (work: WriteWork<unknown>) => Outcome

/**
 * The SQLite store shared by every event family.
 *
 * `write` queues work and runs everything queued in the same turn of the
 * event loop in one transaction (group commit), so concurrent deliveries
 * share one fsync. A throw rolls back only its own piece of work and
 * rejects only its promise. To keep that cheap, the batch first runs
 * without savepoints, which cost about as much as a small piece itself.
 * Only when a piece throws does the batch run again with one savepoint per
 * piece. Promises resolve after the commit has returned, so a reply sent
 * then is durable. Audio files appended to by the batch are flushed to
 * disk before the commit.
 *
 * Only one Storage at a time, in any process, can open a data folder: the
 * constructor throws DataFolderInUseError while another has it open.
 */
export class Storage {
  readonly db: SqliteDatabase
  #queue: PendingWrite[] = []
  #scheduled = false
  #closed = false
  #unlock: () => void
  #audioFiles: AudioFiles
  #runBatch: (batch: PendingWrite[], runPiece: RunPiece) => Outcome[]
  /** Runs a piece without a savepoint, so that a throw rolls back the whole batch. */
  #runShared: RunPiece
  /** Runs a piece in its own savepoint, so that a throw rolls back only the piece. */
  #runIsolated: RunPiece

  constructor (dataDir: string) {
    this.#unlock = lockDataFolder(dataDir)
    try {
      this.db = openDatabase(dataDir)
    } catch (error) {
      this.#unlock()
      throw error
    }
    this.#audioFiles = audioFilesOf(this.db)
    this.#runBatch = this.db.transaction((batch: PendingWrite[], runPiece: RunPiece) => {
      const outcomes = batch.map((pending) => runPiece(pending.work))
      this.#audioFiles.syncDirty()
      return outcomes
    })

    this.#runShared = (work) => {
      let value: unknown
      try {
        value = work(this.db)
      } catch (error) {
        throw new PieceError('A piece of the batch failed', { cause: error })
      }
      // db.transaction rejects a promise too, so a piece behaves the same on both paths.
      const isPromise = typeof (value as PromiseLike<unknown> | undefined)?.then === 'function'
      if (isPromise) throw new PieceError('A piece of the batch returned a promise')

      return { value }
    }

    const runSavepoint = this.db.transaction((work: WriteWork<unknown>) => work(this.db))
    this.#runIsolated = (work) => {
      try {
        return { value: runSavepoint(work) }
      } catch (error) {
        return { error }
      }
    }
  }

  write<T> (work: WriteWork<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('Storage is closed'))

    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject })
      if (!this.#scheduled) {
        this.#scheduled = true
        setImmediate(() => this.#flush())
      }
    })
  }

  /** Throws unless the database is open and its write lock can be taken. */
  checkWritable (): void {
    this.db.exec('BEGIN IMMEDIATE; ROLLBACK')
  }

  /** Commits everything queued, then closes the database. */
  close (): void {
    if (this.#closed) return
    this.#flush()
    this.#closed = true
    this.#audioFiles.close()
    this.db.close()
    this.#unlock()
  }

  #flush (): void {
    this.#scheduled = false
    const batch = this.#queue
    this.#queue = []
    if (batch.length === 0) return

    let outcomes: Outcome[]
    try {
      outcomes = this.#runBatch(batch, this.#runShared)
    } catch (error) {
      // The whole batch rolled back. Only a throwing piece is worth a second run, with savepoints.
      try {
        if (!(error instanceof PieceError)) throw error
        outcomes = this.#runBatch(batch, this.#runIsolated)
      } catch (commitError) {
        for (const pending of batch) pending.reject(commitError)
        return
      }
    }

    batch.forEach((pending, index) => {
      const outcome = outcomes[index]
      if ('error' in outcome) pending.reject(outcome.error)
      else pending.resolve(outcome.value)
    })
  }
}
