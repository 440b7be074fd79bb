import { closeSync, constants, fdatasync, fdatasyncSync, fstatSync, openSync, write, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { promisify } from 'node:util'
import { CoalescedSync } from './coalesced-sync.js'
import { settleAll } from './folders.js'

const fdatasyncOnPool = promisify(fdatasync)
const writeOnPool = promisify(write)

/** Functions that make the entries of the folders above a file durable: `sync` on the thread pool, `syncNow` on the event loop. */
export interface FolderEntries {
  sync: () => Promise<void>
  syncNow: () => void
}

const NO_NEW_FOLDERS: FolderEntries = { sync: async () => {}, syncNow: () => {} }

/**
 * One open audio file that only grows. Every append first reserves its byte
 * range, so appends on the event loop and on libuv's thread pool never
 * overlap. The file descriptor stays open until no append on the thread pool
 * is in flight.
 */
export class AppendFile {
  readonly fd: number
  /** The size of the file when it was opened. */
  readonly openedSize: number
  #end: number
  #dirty = false
  #closed = false
  #failure?: unknown
  #inFlight = 0
  #syncs = new CoalescedSync(async () => {
    this.#throwIfFailed()
    try {
      await fdatasyncOnPool(this.fd)
    } catch (error) {
      this.#failure = error
      throw error
    }
  })

  #onIdle: () => void
  #folders: FolderEntries
  /** Descriptor of a new file's folder, open until the file's entry is known to be on disk. An fsync through it works even after the folder is removed. */
  #folderFd?: number
  #entriesDurable: boolean
  #entriesSynced?: Promise<void>

  /**
   * `onIdle` runs whenever the last append in flight is done. A new or
   * empty file's own folder and `folders` are fsynced once, before the first
   * append counts as on disk, since a crash could otherwise lose the whole file.
   */
  constructor (path: string, onIdle: () => void, folders: FolderEntries = NO_NEW_FOLDERS) {
    this.fd = openSync(path, constants.O_WRONLY | constants.O_CREAT, 0o600)
    this.openedSize = fstatSync(this.fd).size
    this.#end = this.openedSize
    this.#onIdle = onIdle
    this.#folders = folders
    this.#entriesDurable = this.openedSize > 0
    if (this.#entriesDurable) return

    try {
      this.#folderFd = openSync(dirname(path), 'r')
    /* c8 ignore start: the folder of a file just opened can fail to open only when the process runs out of descriptors. */
    } catch (error) {
      closeSync(this.fd)
      throw error
    }
    /* c8 ignore stop */
  }

  /** Whether an append on the thread pool is in flight. */
  get busy (): boolean {
    return this.#inFlight > 0
  }

  /** Whether `close` was called. An append made before may have gone to a file that was deleted since. */
  get closed (): boolean {
    return this.#closed
  }

  /**
   * Whether an fdatasync of the file failed. Linux may then drop the pages
   * it could not write and report success to the next sync, so no later
   * append to this file can be trusted and each one throws.
   */
  get failed (): boolean {
    return this.#failure !== undefined
  }

  /** Writes `pcm` on the event loop, to the page cache only, and returns its offset. `syncDirty` flushes it. */
  appendSync (pcm: Buffer): number {
    this.#throwIfFailed()
    if (!this.#entriesDurable) {
      // Appends on the event loop are rare, so they fsync the folders on the event loop too.
      this.#folders.syncNow()
      fdatasyncSync(this.#folderFd as number)
      this.#entriesDurable = true
    }
    const offset = this.#reserve(pcm.length)
    let written = 0
    while (written < pcm.length) written += writeSync(this.fd, pcm, written, pcm.length - written, offset + written)
    this.#dirty = true
    return offset
  }

  /** Writes `pcm` and flushes it to the disk on libuv's thread pool, and resolves to its offset. */
  async appendDurably (pcm: Buffer): Promise<number> {
    this.#throwIfFailed()
    const offset = this.#reserve(pcm.length)
    this.#inFlight++
    try {
      // Every operation on the thread pool must end before the descriptor can be closed, even after one fails.
      await settleAll([this.#writeAndSync(pcm, offset), this.#syncEntries()])
      return offset
    } finally {
      this.#inFlight--
      if (this.#inFlight === 0) this.#becomeIdle()
    }
  }

  /** Flushes the bytes of `appendSync` calls to the disk. */
  syncDirty (): void {
    if (!this.#dirty) return
    this.#throwIfFailed()
    try {
      fdatasyncSync(this.fd)
    } catch (error) {
      this.#failure = error
      throw error
    }
    this.#dirty = false
  }

  /** Flushes and closes the file, at once or when the last append in flight is done. */
  close (): void {
    if (this.#closed) return
    if (!this.failed) this.syncDirty()
    this.#closed = true
    if (this.#inFlight > 0) return

    closeSync(this.fd)
    this.#closeFolder()
  }

  async #writeAndSync (pcm: Buffer, offset: number): Promise<void> {
    let written = 0
    while (written < pcm.length) {
      const { bytesWritten } = await writeOnPool(this.fd, pcm, written, pcm.length - written, offset + written)
      written += bytesWritten
    }
    await this.#syncs.request()
  }

  /** Fsyncs the file's own folder and the folders above it on the thread pool, once for every append that waits on it. */
  #syncEntries (): Promise<void> {
    if (this.#entriesDurable) return Promise.resolve()

    this.#entriesSynced ??= settleAll([fdatasyncOnPool(this.#folderFd as number), this.#folders.sync()]).then(() => {
      this.#entriesDurable = true
      this.#closeFolder()
    }, (error: unknown) => {
      this.#failure = error
      this.#closeFolder()
      throw error
    })
    return this.#entriesSynced
  }

  #closeFolder (): void {
    if (this.#folderFd === undefined) return
    closeSync(this.#folderFd)
    this.#folderFd = undefined
  }

  #becomeIdle (): void {
    if (!this.#closed) {
      this.#onIdle()
      return
    }
    closeSync(this.fd)
    this.#closeFolder()
  }

  #throwIfFailed (): void {
    if (this.#failure !== undefined) throw this.#failure
  }

  #reserve (length: number): number {
    // A failed write leaves a gap that no later offset reuses.
    const offset = this.#end
    this.#end += length
    return offset
  }


}
