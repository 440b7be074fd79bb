import { openDatabase, type SqliteDatabase } from './database.js'

export type WriteWork<T> = (db: SqliteDatabase) => T

interface PendingWrite {
  work: WriteWork<unknown>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/**
 * The SQLite store shared by every event family.
 *
 * `write` queues work and runs everything queued in the same turn of the
 * event loop in one transaction (group commit), so concurrent deliveries
 * share one fsync. Each piece of work runs in its own savepoint: a throw
 * rolls back only that piece and rejects only its promise. Promises resolve
 * after the commit has returned, so a reply sent then is durable.
 */
export class Storage {
  readonly db: SqliteDatabase
  #queue: PendingWrite[] = []
  #scheduled = false
  #closed = false
  #runSavepoint: (work: WriteWork<unknown>) => unknown

  constructor (dataDir: string) {
    this.db = openDatabase(dataDir)
    this.#runSavepoint = this.db.transaction((work: WriteWork<unknown>) => work(this.db))
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
    this.db.close()
  }

  #flush (): void {
    this.#scheduled = false
    const batch = this.#queue
    this.#queue = []
    if (batch.length === 0) return

    const outcomes: Array<{ value?: unknown, error?: unknown }> = []
    try {
      this.db.transaction(() => {
        for (const pending of batch) {
          try {
            outcomes.push({ value: this.#runSavepoint(pending.work) })
          } catch (error) {
            outcomes.push({ error })
          }
        }
      })()
    } catch (commitError) {
      for (const pending of batch) pending.reject(commitError)
      return
    }

    batch.forEach((pending, index) => {
      const outcome = outcomes[index]
      if ('error' in outcome) pending.reject(outcome.error)
      else pending.resolve(outcome.value)
    })
  }
}
