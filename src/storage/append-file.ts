import { closeSync, constants, fdatasync, fdatasyncSync, fstatSync, openSync, write, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { promisify } from 'node:util'
import { CoalescedSync, syncFolderOnPool } from './coalesced-sync.js'

const fdatasyncOnPool = promisify(fdatasync)
const writeOnPool = promisify(write)

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
  #foldersToSync: string[]
  #foldersSynced?: Promise<void>

  /**
   * `onIdle` runs whenever the last append in flight is done. The folders
   * in `newFolderParents` and, for a new or empty file, the file's own
   * folder are fsynced once, before the first append counts as on disk.
   */
  constructor (path: string, onIdle: () => void, newFolderParents: string[] = []) {
    this.fd = openSync(path, constants.O_WRONLY | constants.O_CREAT, 0o600)
    this.openedSize = fstatSync(this.fd).size
    this.#end = this.openedSize
    this.#onIdle = onIdle
    // A new file's directory entry must reach the disk too, or a crash could lose the whole file.
    this.#foldersToSync = this.openedSize === 0 ? [...newFolderParents, dirname(path)] : newFolderParents
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
    // Appends on the event loop are rare, so the folders still to sync are fsynced here, on the event loop too.
    for (const folder of this.#foldersToSync) syncFolder(folder)
    this.#foldersToSync = []
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
      await Promise.all([this.#writeAndSync(pcm, offset), this.#syncFolders()])
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
    if (this.#inFlight === 0) closeSync(this.fd)
  }

  async #writeAndSync (pcm: Buffer, offset: number): Promise<void> {
    let written = 0
    while (written < pcm.length) {
      const { bytesWritten } = await writeOnPool(this.fd, pcm, written, pcm.length - written, offset + written)
      written += bytesWritten
    }
    await this.#syncs.request()
  }

  /** Fsyncs the folders still to sync on the thread pool, once for every append that waits on it. */
  #syncFolders (): Promise<void> {
    if (this.#foldersToSync.length === 0) return Promise.resolve()

    this.#foldersSynced ??= Promise.all(this.#foldersToSync.map(syncFolderOnPool)).then(() => {
      this.#foldersToSync = []
    }, (error: unknown) => {
      this.#failure = error
      throw error
    })
    return this.#foldersSynced
  }

  #becomeIdle (): void {
    if (this.#closed) closeSync(this.fd)
    else this.#onIdle()
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

/** Fsyncs a folder on the event loop, so that the entries created in it survive a power loss. */
function syncFolder (folder: string): void {
  const fd = openSync(folder, 'r')
  try {
    fdatasyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

