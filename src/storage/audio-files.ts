import { closeSync, type Dirent, openSync, readdirSync, readSync, rmdirSync, unlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { SqliteDatabase } from './database.js'
import { AppendFile } from './append-file.js'
import { NewFolders } from './folders.js'

/** Folder under the data folder that contains the audio files, one per uid and UTC day. */
export const AUDIO_FOLDER = 'audio'

const SAFE_UID = /^[A-Za-z0-9_-]{1,128}$/
const AUDIO_FILE_NAME = /^\d{4}-\d{2}-\d{2}(\.\d+)?\.pcm$/
const MAX_OPEN_FILES = 64

/** The location of a piece that `appendDurably` wrote and flushed. */
export interface DurableAppend {
  file: string
  offset: number
  handle: AppendFile
  /** The number of files retired when the append started. */
  retirements: number
}

/**
 * Append-only PCM files: `audio/<uid>/<yyyy-mm-dd>.pcm` under the data
 * folder. A delivery's bytes are written and flushed on libuv's thread pool
 * with `appendDurably` before its row is written, so a committed row never
 * points at bytes that are not on disk. `append` writes on the event loop
 * instead, and then Storage calls `syncDirty` before the commit.
 * Bytes whose row is never committed stay in the file, unreferenced.
 *
 * A delete retires the files it empties inside its transaction and removes
 * them after the commit. Appends in between go to a new file of the day,
 * `<yyyy-mm-dd>.<n>.pcm`, so removing a retired file never loses them.
 */
export class AudioFiles {
  readonly folder: string
  #open = new Map<string, AppendFile>()
  // Kept in memory only: a retired file left behind by a crash is found by removeUnreferenced at the next start.
  #retired = new Set<string>()
  #retirements = 0
  #newFolders = new NewFolders()

  constructor (dataDir: string) {
    this.folder = join(dataDir, AUDIO_FOLDER)
  }

  /** Appends `pcm` to the file of `uid` for the UTC day of `receivedAt` on the event loop, and returns the relative path of the file and the offset of the piece. */
  append (uid: string, receivedAt: string, pcm: Buffer): { file: string, offset: number } {
    const { file, handle } = this.#handleFor(uid, receivedAt)
    return { file, offset: handle.appendSync(pcm) }
  }

  /** Appends `pcm` like `append`, but writes and flushes it on libuv's thread pool. */
  async appendDurably (uid: string, receivedAt: string, pcm: Buffer): Promise<DurableAppend> {
    const { file, handle } = this.#handleFor(uid, receivedAt)
    const retirements = this.#retirements
    return { file, offset: await handle.appendDurably(pcm), handle, retirements }
  }

  /**
   * Tells whether the file of `durable` can still be referenced. It cannot
   * once it was retired, since a delete may have removed it. A closed file
   * counts as retired if any file was retired since the append.
   */
  isCurrent (durable: DurableAppend): boolean {
    return !durable.handle.closed || durable.retirements === this.#retirements
  }

  /**
   * Flushes the bytes of every `append` since the last call to the disk.
   * A file whose sync failed is skipped: its bytes belong to the batch that
   * failed with it, and later appends to it throw.
   */
  syncDirty (): void {
    for (const handle of this.#open.values()) {
      if (!handle.failed) handle.syncDirty()
    }
  }

  read (file: string, offset: number, length: number): Buffer {
    const fd = openSync(join(this.folder, file), 'r')
    try {
      const pcm = Buffer.alloc(length)
      let read = 0
      while (read < length) {
        const count = readSync(fd, pcm, read, length - read, offset + read)
        if (count === 0) throw new Error(`Audio file ${file} ends before byte ${offset + length}`)
        read += count
      }
      return pcm
    } finally {
      closeSync(fd)
    }
  }

  /** Closes `file` and sends later appends of its day to another file, until `remove` has deleted it. */
  retire (file: string): void {
    this.#retirements++
    this.#close(file)
    this.#retired.add(file)
  }

  /** Retires every file in the folder of `uid`, including files no row refers to, and returns their paths. */
  retireFolder (uid: string): string[] {
    if (!SAFE_UID.test(uid)) return []

    const files = entriesOf(join(this.folder, uid)).map((entry) => `${uid}/${entry.name}`)
    for (const file of files) this.retire(file)
    return files
  }

  /** Deletes a file that no row refers to any more. */
  remove (file: string): void {
    this.#close(file)
    try {
      unlinkSync(join(this.folder, file))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    this.#retired.delete(file)
  }

  /** Deletes the folder of `uid` unless it still contains files. */
  removeEmptyFolder (uid: string): void {
    try {
      rmdirSync(join(this.folder, uid))
    } catch {
      // The folder is missing, or it contains files of pieces stored after the erase. Neither is an error.
    }
  }

  /**
   * Deletes the audio files for which `isReferenced` returns false, and the
   * uid folders this empties, and returns the paths of the deleted files.
   * Such files are left behind when the process ends between a delete's
   * commit and the removal of its files, or before any piece of a new file
   * commits. Call it only while nothing appends, such as at startup.
   */
  removeUnreferenced (isReferenced: (file: string) => boolean): string[] {
    const removed: string[] = []
    for (const uid of entriesOf(this.folder).filter((entry) => entry.isDirectory() && SAFE_UID.test(entry.name))) {
      const files = entriesOf(join(this.folder, uid.name))
        .filter((entry) => entry.isFile() && AUDIO_FILE_NAME.test(entry.name))
        .map((entry) => `${uid.name}/${entry.name}`)
      for (const file of files.filter((file) => !isReferenced(file))) {
        this.remove(file)
        removed.push(file)
      }
      this.removeEmptyFolder(uid.name)
    }
    return removed
  }

  close (): void {
    for (const file of [...this.#open.keys()]) this.#close(file)
  }

  #handleFor (uid: string, receivedAt: string): { file: string, handle: AppendFile } {
    if (!SAFE_UID.test(uid)) throw new RangeError(`uid ${JSON.stringify(uid)} cannot name an audio folder`)
    const day = receivedAt.slice(0, 10)
    let file = this.#fileOfDay(uid, day)
    if (this.#open.get(file)?.failed === true) {
      this.#close(file)
      file = this.#fileOfDay(uid, day)
    }
    return { file, handle: this.#openForAppend(file) }
  }

  #fileOfDay (uid: string, day: string): string {
    let file = `${uid}/${day}.pcm`
    for (let n = 1; this.#retired.has(file); n++) file = `${uid}/${day}.${n}.pcm`
    return file
  }

  #openForAppend (file: string): AppendFile {
    const cached = this.#open.get(file)
    if (cached !== undefined) return cached

    this.#closeIdleAbove(MAX_OPEN_FILES - 1)
    const path = join(this.folder, file)
    const folder = dirname(path)
    this.#newFolders.create(folder)
    const folders = { sync: () => this.#newFolders.sync(folder), syncNow: () => { this.#newFolders.syncNow(folder) } }
    const handle = new AppendFile(path, () => { this.#closeIdleAbove(MAX_OPEN_FILES) }, folders)
    this.#open.set(file, handle)
    return handle
  }

  /**
   * Closes idle files, oldest first, until at most `limit` are open. A file
   * with an append in flight is skipped, and this runs again when its last
   * append is done.
   */
  #closeIdleAbove (limit: number): void {
    for (const [file, handle] of this.#open) {
      if (this.#open.size <= limit) return
      if (!handle.busy) this.#close(file)
    }
  }

  #close (file: string): void {
    const handle = this.#open.get(file)
    if (handle === undefined) return
    // Bytes of a file whose sync failed may be lost without an error, so its name is never appended to again.
    if (handle.failed) this.#retired.add(file)
    handle.close()
    this.#open.delete(file)
  }
}

/** Lists the entries of `folder`, or none if it does not exist. */
function entriesOf (folder: string): Dirent[] {
  try {
    return readdirSync(folder, { withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

const filesByDatabase = new WeakMap<SqliteDatabase, AudioFiles>()

/** Returns the audio files beside the database file of `db`. */
export function audioFilesOf (db: SqliteDatabase): AudioFiles {
  let files = filesByDatabase.get(db)
  if (files === undefined) {
    files = new AudioFiles(dirname(db.name))
    filesByDatabase.set(db, files)
  }
  return files
}
