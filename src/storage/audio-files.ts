import { closeSync, fdatasyncSync, fstatSync, mkdirSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs'
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
 */
export class AudioFiles {
  readonly folder: string
  #open = new Map<string, number>()
  #dirty = new Set<number>()

  constructor (dataDir: string) {
    this.folder = join(dataDir, AUDIO_FOLDER)
  }

  /** Appends `pcm` to the file of `uid` for the UTC day of `receivedAt`, and returns the relative path of the file and the offset of the piece. */
  append (uid: string, receivedAt: string, pcm: Buffer): { file: string, offset: number } {
    if (!SAFE_UID.test(uid)) throw new RangeError(`uid ${JSON.stringify(uid)} cannot name an audio folder`)
    const file = `${uid}/${receivedAt.slice(0, 10)}.pcm`
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

  /** Deletes a file that no row refers to any more. */
  remove (file: string): void {
    this.#close(file)
    try {
      unlinkSync(join(this.folder, file))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }

  close (): void {
    this.syncDirty()
    for (const file of [...this.#open.keys()]) this.#close(file)
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
