import { closeSync, constants, fdatasync, fdatasyncSync, fstatSync, openSync, write, writeSync } from 'node:fs'
import { promisify } from 'node:util'

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
  #running?: Promise<void>
  #waiting?: Promise<void>
  #onIdle: () => void

  /** `onIdle` runs whenever the last append in flight is done. */
  constructor (path: string, onIdle: () => void) {
    this.fd = openSync(path, constants.O_WRONLY | constants.O_CREAT, 0o600)
    this.openedSize = fstatSync(this.fd).size
    this.#end = this.openedSize
    this.#onIdle = onIdle
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
      let written = 0
      while (written < pcm.length) {
        const { bytesWritten } = await writeOnPool(this.fd, pcm, written, pcm.length - written, offset + written)
        written += bytesWritten
      }
      await this.#sync()
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

  /**
   * Runs one fdatasync at a time. An append whose bytes were written while
   * one runs waits for the next, which starts after it and covers them.
   */
  #sync (): Promise<void> {
    if (this.#waiting !== undefined) return this.#waiting

    // The next sync starts after the one running, whether that one succeeds or fails.
    const next: Promise<void> = Promise.allSettled([this.#running]).then(async () => {
      this.#waiting = undefined
      this.#running = next
      this.#throwIfFailed()
      try {
        await fdatasyncOnPool(this.fd)
      } catch (error) {
        this.#failure = error
        throw error
      }
    }).finally(() => {
      if (this.#running === next) this.#running = undefined
    })
    this.#waiting = next
    return next
  }
}
