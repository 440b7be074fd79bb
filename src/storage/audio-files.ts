import { closeSync, fdatasyncSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { SqliteDatabase } from './database.js'

/** Folder under the data folder that contains the audio files, one per uid and UTC day. */
export const AUDIO_FOLDER = 'audio'

const SAFE_UID = /^[A-Za-z0-9_-]{1,128}$/
const MAX_OPEN_FILES = 64


/**
 * Append-only PCM files: `audio/<uid>/<yyyy-mm-dd>.pcm` under the data
 * folder. Appends go to the page cache at once. `syncDirty` fdatasyncs every
 * file appended to since its last call. Storage calls it before each commit,
 * so a committed row never points at bytes that are not on disk.
 * Bytes appended by work that rolls back stay in the file, unreferenced.
 *
 * A delete retires the files it empties inside its transaction and removes
 * them after the commit. Appends in between go to a new file of the day,
 * `<yyyy-mm-dd>.<n>.pcm`, so removing a retired file never loses them.
 */
export class AudioFiles {
  readonly folder: string
  #open = new Map<string, number>()
  #dirty = new Set<number>()
  // NOTE: kept in memory only. If the process dies between a delete's commit and the removal, the
  // retired file stays on disk unreferenced, and after a restart new pieces of its day are appended to it.
  #retired = new Set<string>()

  constructor (dataDir: string) {
    this.folder = join(dataDir, AUDIO_FOLDER)
  }

  /** Appends `pcm` to the file of `uid` for the UTC day of `receivedAt`, and returns the relative path of the file and the offset of the piece. */
  append (uid: string, receivedAt: string, pcm: Buffer): { file: string, offset: number } {
    if (!SAFE_UID.test(uid)) throw new RangeError(`uid ${JSON.stringify(uid)} cannot name an audio folder`)
    const file = this.#fileOfDay(uid, receivedAt.slice(0, 10))
    const fd = this.#openForAppend(file)
    // The size is read each time, so bytes of a failed partial write are never counted in a later offset.
    const offset = fstatSync(fd).size

    let written = 0
    while (written < pcm.length) written += writeSync(fd, pcm, written, pcm.length - written)
    this.#dirty.add(fd)
    return { file, offset }
  }

  /** Flushes every file appended to since the last call to the disk. */
  syncDirty (): void {
    for (const fd of this.#dirty) fdatasyncSync(fd)
    this.#dirty.clear()
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
    this.#close(file)
    this.#retired.add(file)
  }

  /** Retires every file in the folder of `uid`, including files no row refers to, and returns their paths. */
  retireFolder (uid: string): string[] {
    if (!SAFE_UID.test(uid)) return []
    let names: string[]
    try {
      names = readdirSync(join(this.folder, uid))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }

    const files = names.map((name) => `${uid}/${name}`)
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

  close (): void {
    this.syncDirty()
    for (const file of [...this.#open.keys()]) this.#close(file)
  }

  #fileOfDay (uid: string, day: string): string {
    let file = `${uid}/${day}.pcm`
    for (let n = 1; this.#retired.has(file); n++) file = `${uid}/${day}.${n}.pcm`
    return file
  }

  #openForAppend (file: string): number {
    const cached = this.#open.get(file)
    if (cached !== undefined) return cached

    if (this.#open.size >= MAX_OPEN_FILES) this.#close(this.#open.keys().next().value as string)
    const path = join(this.folder, file)
    ensureFolder(dirname(path))
    const fd = openSync(path, 'a', 0o600)
    this.#open.set(file, fd)
    // A new file's directory entry must reach the disk too, or a crash could lose the whole file.
    if (fstatSync(fd).size === 0) syncFolder(dirname(path))
    return fd
  }

  #close (file: string): void {
    const fd = this.#open.get(file)
    if (fd === undefined) return
    if (this.#dirty.has(fd)) {
      fdatasyncSync(fd)
      this.#dirty.delete(fd)
    }
    closeSync(fd)
    this.#open.delete(file)
  }
}

/** Creates `folder` and any missing parents, and fsyncs the parent of each new folder. */
function ensureFolder (folder: string): void {
  const created = mkdirSync(folder, { recursive: true, mode: 0o700 })
  if (created === undefined) return
  for (let current = folder; current.length >= created.length; current = dirname(current)) {
    syncFolder(dirname(current))
  }
}

function syncFolder (folder: string): void {
  const fd = openSync(folder, 'r')
  try {
    fdatasyncSync(fd)
  } finally {
    closeSync(fd)
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
