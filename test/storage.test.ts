import t, { type Test } from 'tap'
import Database from 'better-sqlite3'
import { existsSync, mkdirSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pbkdf2 } from 'node:crypto'
import { promisify } from 'node:util'
import { Storage } from '../src/storage/storage.js'
import { deleteAudio, eraseAudio, insertAudio, placeAudio, readAudioPieces, removeUnreferencedAudio, reserveAudioSeq } from '../src/storage/audio.js'
import { AUDIO_FOLDER, audioFilesOf } from '../src/storage/audio-files.js'
import { DataFolderInUseError, LOCK_FILE } from '../src/storage/data-folder-lock.js'
import { DATABASE_FILE } from '../src/storage/database.js'
import type { SqliteDatabase } from '../src/storage/database.js'

function open (t: Test, dataDir = t.testdir()): Storage {
  const storage = new Storage(dataDir)
  t.teardown(() => storage.close())
  return storage
}

function insertButton (db: SqliteDatabase, eventId: string): string {
  db.prepare(`INSERT INTO button_events (uid, event_id, button_event, received_at)
    VALUES ('u1', ?, 'single_tap', '2026-12-01T00:00:00.000Z')`).run(eventId)
  return eventId
}

function countButtons (storage: Storage): number {
  return storage.db.prepare('SELECT count(*) FROM button_events').pluck().get() as number
}

function pcm (byte: number, length = 320): Buffer {
  return Buffer.alloc(length, byte)
}

t.test('writes in one tick share a transaction', async (t) => {
  const storage = open(t)
  const reader = new Database(storage.db.name, { readonly: true })
  t.teardown(() => reader.close())
  const countCommitted = (): number => reader.prepare('SELECT count(*) FROM button_events').pluck().get() as number

  const seenBySecondWrite = await Promise.all([
    storage.write((db) => insertButton(db, 'a')),
    storage.write(() => countCommitted())
  ])

  t.equal(seenBySecondWrite[1], 0)
  t.equal(countCommitted(), 1)
})

t.test('writes resolve with their own results', async (t) => {
  const storage = open(t)

  const results = await Promise.all([
    storage.write((db) => insertButton(db, 'a')),
    storage.write((db) => insertButton(db, 'b'))
  ])

  t.same(results, ['a', 'b'])
  t.equal(countButtons(storage), 2)
})

t.test('throwing piece rolls back only itself', async (t) => {
  const storage = open(t)

  const results = await Promise.allSettled([
    storage.write((db) => insertButton(db, 'kept-1')),
    storage.write((db) => {
      insertButton(db, 'rolled-back')
      throw new Error('invalid piece')
    }),
    storage.write((db) => insertButton(db, 'kept-2'))
  ])

  t.equal(results[0].status, 'fulfilled')
  t.equal(results[1].status, 'rejected')
  t.equal(results[2].status, 'fulfilled')
  t.same(storage.db.prepare('SELECT event_id FROM button_events ORDER BY event_id').pluck().all(), ['kept-1', 'kept-2'])
})

t.test('commit failure rejects the whole batch', async (t) => {
  const storage = open(t)
  storage.db.pragma('foreign_keys = OFF')
  storage.db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
    CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`)
  storage.db.pragma('foreign_keys = ON')

  let runs = 0

  const results = await Promise.allSettled([
    storage.write((db) => {
      runs++
      return insertButton(db, 'in-failed-batch')
    }),
    storage.write((db) => db.prepare('INSERT INTO child (parent_id) VALUES (42)').run())
  ])

  t.equal(results[0].status, 'rejected')
  t.equal(results[1].status, 'rejected')
  t.equal(countButtons(storage), 0)
  t.equal(runs, 1, 'a failed commit does not run the batch again')
})

t.test('asynchronous piece is rejected', async (t) => {
  const storage = open(t)

  const results = await Promise.allSettled([
    storage.write(async (db) => insertButton(db, 'async')),
    storage.write((db) => insertButton(db, 'kept'))
  ])

  t.equal(results[0].status, 'rejected')
  t.match((results[0] as PromiseRejectedResult).reason, { message: /cannot return a promise/ })
  t.equal(results[1].status, 'fulfilled')
  t.same(storage.db.prepare('SELECT event_id FROM button_events').pluck().all(), ['kept'])
})

t.test('close flushes pending writes', async (t) => {
  const dataDir = t.testdir()
  const storage = new Storage(dataDir)
  const pending = storage.write((db) => insertButton(db, 'pending'))

  storage.close()

  t.equal(await pending, 'pending')
  const reopened = open(t, dataDir)
  t.equal(countButtons(reopened), 1)
})

t.test('write after close rejects', async (t) => {
  const storage = new Storage(t.testdir())
  storage.close()
  storage.close()

  await t.rejects(storage.write(() => 1), { message: 'Storage is closed' })
})

t.test('a data folder opens in one Storage at a time', async (t) => {
  const dataDir = t.testdir()
  const first = new Storage(dataDir)

  t.throws(() => new Storage(dataDir), DataFolderInUseError)
  first.close()
  t.doesNotThrow(() => open(t, dataDir), 'opens once the first one is closed')
})

t.test('failed open releases the data folder', async (t) => {
  const dataDir = t.testdir({ [DATABASE_FILE]: {} })

  t.throws(() => new Storage(dataDir), { code: 'SQLITE_CANTOPEN' })
  rmSync(join(dataDir, DATABASE_FILE), { recursive: true })
  t.doesNotThrow(() => open(t, dataDir))
})

t.test('database that is not one is closed', async (t) => {
  const dataDir = t.testdir({ [DATABASE_FILE]: 'not a database, but a file long enough to have a header of one' })

  t.throws(() => new Storage(dataDir), { code: 'SQLITE_NOTADB' })
  t.equal(openFiles(DATABASE_FILE), 0, 'no descriptor of the database is left open')
})

t.test('lock file that is not a database is reported', async (t) => {
  const dataDir = t.testdir({ [LOCK_FILE]: 'not a database, but a file long enough to have a header of one' })

  t.throws(() => new Storage(dataDir), { code: 'SQLITE_NOTADB' })
})

t.test('audio pieces read back in order', async (t) => {
  const storage = open(t)

  await Promise.all([
    storage.write((db) => insertAudio(db, 'u1', pcm(1), 16000, '2026-12-01T10:00:00.000Z')),
    storage.write((db) => insertAudio(db, 'u1', pcm(2, 640), 8000, '2026-12-01T10:00:01.000Z')),
    storage.write((db) => insertAudio(db, 'u2', pcm(3), 16000, '2026-12-01T10:00:01.000Z'))
  ])
  const pieces = readAudioPieces(storage.db, 'u1', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z')

  t.same(pieces.map((piece) => piece.sampleRate), [16000, 8000])
  t.same(pieces[0].pcm, pcm(1))
  t.same(pieces[1].pcm, pcm(2, 640))
  t.same(readdirSync(join(storage.db.name, '..', AUDIO_FOLDER, 'u1')), ['2026-12-01.pcm'])
})

t.test('audio survives closing and reopening', async (t) => {
  const dataDir = t.testdir()
  const first = new Storage(dataDir)
  await first.write((db) => insertAudio(db, 'u1', pcm(7), 16000, '2026-12-01T10:00:00.000Z'))
  first.close()

  const second = open(t, dataDir)
  await second.write((db) => insertAudio(db, 'u1', pcm(8), 16000, '2026-12-01T10:00:02.000Z'))
  const pieces = readAudioPieces(second.db, 'u1', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z')

  t.same(pieces.map((piece) => piece.pcm[0]), [7, 8])
})

t.test('audio range excludes the end time', async (t) => {
  const storage = open(t)
  await storage.write((db) => insertAudio(db, 'u1', pcm(1), 16000, '2026-12-01T10:00:00.000Z'))

  const pieces = readAudioPieces(storage.db, 'u1', '2026-12-01T09:00:00.000Z', '2026-12-01T10:00:00.000Z')

  t.equal(pieces.length, 0)
})

t.test('audio rows without a file read their blob', async (t) => {
  const storage = open(t)
  storage.db.prepare(`INSERT INTO audio_chunks (uid, received_at, sample_rate, byte_length, pcm)
    VALUES ('u1', '2026-12-01T10:00:00.000Z', 16000, 4, ?)`).run(Buffer.from([1, 2, 3, 4]))

  const pieces = readAudioPieces(storage.db, 'u1', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z')

  t.same(pieces[0].pcm, Buffer.from([1, 2, 3, 4]))
})

t.test('audio in a rolled back piece stays unindexed', async (t) => {
  const storage = open(t)

  const result = await Promise.allSettled([
    storage.write((db) => {
      insertAudio(db, 'u1', pcm(9), 16000, '2026-12-01T10:00:00.000Z')
      throw new Error('invalid piece')
    }),
    storage.write((db) => insertAudio(db, 'u1', pcm(4), 16000, '2026-12-01T10:00:01.000Z'))
  ])
  const pieces = readAudioPieces(storage.db, 'u1', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z')

  t.equal(result[0].status, 'rejected')
  t.same(pieces.map((piece) => piece.pcm[0]), [4])
})

t.test('audio uid must be a safe folder name', async (t) => {
  const storage = open(t)

  await t.rejects(storage.write((db) => insertAudio(db, '../escape', pcm(1), 16000, '2026-12-01T10:00:00.000Z')), RangeError)
})

t.test('missing audio bytes raise an error', async (t) => {
  const storage = open(t)
  await storage.write((db) => insertAudio(db, 'u1', pcm(1), 16000, '2026-12-01T10:00:00.000Z'))
  storage.db.prepare('UPDATE audio_chunks SET byte_length = 10000').run()

  t.throws(() => readAudioPieces(storage.db, 'u1', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z'), /ends before byte 10000/)
})

t.test('audio reads sort by arrival time', async (t) => {
  const storage = open(t)

  await storage.write((db) => insertAudio(db, 'u1', pcm(1), 16000, '2026-12-01T10:00:01.000Z', { seq: 1 }))
  await storage.write((db) => insertAudio(db, 'u1', pcm(2), 16000, '2026-12-01T10:00:00.000Z', { seq: 2 }))

  t.same(readAudioPieces(storage.db, 'u1', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z').map((piece) => piece.pcm[0]), [2, 1])
})

t.test('audio insert skips reserved seqs', async (t) => {
  const storage = open(t)
  const reserved = reserveAudioSeq(storage.db)

  await storage.write((db) => insertAudio(db, 'u1', pcm(1), 16000, '2026-12-01T10:00:00.000Z'))
  await storage.write((db) => insertAudio(db, 'u1', pcm(2), 16000, '2026-12-01T10:00:01.000Z', { seq: reserved }))

  t.same(storage.db.prepare('SELECT seq FROM audio_chunks ORDER BY received_at').pluck().all(), [reserved + 1, reserved])
})

t.test('durable appends get their own ranges', async (t) => {
  const storage = open(t)
  const files = audioFilesOf(storage.db)
  const pieces = [1, 2, 3, 4, 5].map((byte) => pcm(byte, 100 * byte))

  const appended = await Promise.all(pieces.map((piece) => files.appendDurably('u1', '2026-12-01T10:00:00.000Z', piece)))
  await storage.write((db) => appended.map((durable, index) => insertAudio(db, 'u1', pieces[index], 16000, '2026-12-01T10:00:00.000Z', { seq: index + 1, durable })))

  t.same(appended.map((durable) => durable.offset), [0, 100, 300, 600, 1000])
  t.same(readAudioPieces(storage.db, 'u1', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z').map((piece) => piece.pcm), pieces)
})

t.test('durable append to a removed file is redone', async (t) => {
  const storage = open(t)
  await storage.write((db) => insertAudio(db, 'u1', pcm(1), 16000, '2026-12-01T10:00:00.000Z'))
  const durable = await audioFilesOf(storage.db).appendDurably('u1', '2026-12-01T11:00:00.000Z', pcm(2))

  await deleteAudio(storage, 'u1', '2026-12-01T10:30:00.000Z')
  await storage.write((db) => insertAudio(db, 'u1', pcm(2), 16000, '2026-12-01T11:00:00.000Z', { seq: 10, durable }))

  t.same(readAudioPieces(storage.db, 'u1', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z').map((piece) => piece.pcm), [pcm(2)])
})

t.test('retiring a file during a durable append', async (t) => {
  const storage = open(t)
  const files = audioFilesOf(storage.db)

  const pending = files.appendDurably('u1', '2026-12-01T10:00:00.000Z', pcm(3))
  files.retire('u1/2026-12-01.pcm')
  const durable = await pending
  await storage.write((db) => insertAudio(db, 'u1', pcm(3), 16000, '2026-12-01T10:00:00.000Z', { seq: 1, durable }))

  t.equal(durable.handle.closed, true)
  t.doesNotThrow(() => durable.handle.close(), 'a second close leaves the descriptor alone')
  t.same(storage.db.prepare('SELECT file FROM audio_chunks').pluck().all(), ['u1/2026-12-01.1.pcm'])
  t.same(readAudioPieces(storage.db, 'u1', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z').map((piece) => piece.pcm), [pcm(3)])
})

/** Counts the audio files this process has open. */
/** Counts this process's open descriptors of files whose names end with `suffix`. */
function openFiles (suffix: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).endsWith(suffix)
    } catch {
      return false
    }
  }).length
}

t.test('durable appends to many files at once', async (t) => {
  const storage = open(t)
  const files = audioFilesOf(storage.db)
  // More files than stay open, so files are closed once their appends are done.
  const uids = Array.from({ length: 80 }, (_, index) => `u${index}`)

  const appended = await Promise.all(uids.map((uid, index) => files.appendDurably(uid, '2026-12-01T10:00:00.000Z', pcm(index % 256))))
  const openAfterBurst = openFiles('.pcm')
  await storage.write((db) => appended.map((durable, index) => insertAudio(db, uids[index], pcm(index % 256), 16000, '2026-12-01T10:00:00.000Z', { seq: index + 1, durable })))

  t.equal(openAfterBurst, 64, 'files beyond the limit are closed')
  const firstBytes = uids.map((uid) => readAudioPieces(storage.db, uid, '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z')[0].pcm[0])
  t.same(firstBytes, uids.map((_, index) => index % 256))
  const fileSizes = uids.map((uid) => statSync(join(storage.db.name, '..', AUDIO_FOLDER, uid, '2026-12-01.pcm')).size)
  t.same(fileSizes, uids.map(() => 320), 'a file closed for the limit is not appended to again')
})

t.test('closed file after a retirement is appended again', async (t) => {
  const storage = open(t)
  const files = audioFilesOf(storage.db)
  const first = await files.appendDurably('u0', '2026-12-01T10:00:00.000Z', pcm(1))
  await Promise.all(Array.from({ length: 64 }, (_, index) => files.appendDurably(`u${index + 1}`, '2026-12-01T10:00:00.000Z', pcm(2))))

  files.retire('u1/2026-12-01.pcm')
  await storage.write((db) => insertAudio(db, 'u0', pcm(1), 16000, '2026-12-01T10:00:00.000Z', { seq: 1, durable: first }))

  t.equal(first.handle.closed, true)
  t.equal(statSync(join(storage.db.name, '..', AUDIO_FOLDER, 'u0', '2026-12-01.pcm')).size, 640, 'the piece was written a second time')
  t.same(readAudioPieces(storage.db, 'u0', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z').map((piece) => piece.pcm), [pcm(1)])
})

t.test('durable append reports a blocked folder', async (t) => {
  const storage = open(t)
  mkdirSync(join(storage.db.name, '..', AUDIO_FOLDER), { recursive: true })
  writeFileSync(join(storage.db.name, '..', AUDIO_FOLDER, 'u1'), 'not a folder')

  await t.rejects(audioFilesOf(storage.db).appendDurably('u1', '2026-12-01T10:00:00.000Z', pcm(1)), { code: 'EEXIST' })
})

t.test('delete audio removes old rows and files', async (t) => {
  const storage = open(t)
  await Promise.all([
    storage.write((db) => insertAudio(db, 'u1', pcm(1), 16000, '2026-11-30T23:59:59.000Z')),
    storage.write((db) => insertAudio(db, 'u1', pcm(2), 16000, '2026-12-01T00:00:01.000Z')),
    storage.write((db) => insertAudio(db, 'u1', pcm(3), 16000, '2026-12-01T12:00:00.000Z'))
  ])
  const folder = join(storage.db.name, '..', AUDIO_FOLDER, 'u1')

  const deleted = await deleteAudio(storage, 'u1', '2026-12-01T06:00:00.000Z')

  t.equal(deleted, 2)
  t.same(readdirSync(folder), ['2026-12-01.pcm'])
  t.same(readAudioPieces(storage.db, 'u1', '2026-11-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z').map((piece) => piece.pcm[0]), [3])
})

t.test('audio queued after a delete survives', async (t) => {
  const storage = open(t)
  await storage.write((db) => insertAudio(db, 'u1', pcm(1), 16000, '2026-12-01T10:00:00.000Z'))

  // Both writes join one batch, so the new piece is appended to the day file the delete empties.
  const [deleted] = await Promise.all([
    deleteAudio(storage, 'u1', '2026-12-01T11:00:00.000Z'),
    storage.write((db) => insertAudio(db, 'u1', pcm(2), 16000, '2026-12-01T12:00:00.000Z'))
  ])

  t.equal(deleted, 1)
  t.same(readAudioPieces(storage.db, 'u1', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z').map((piece) => piece.pcm[0]), [2])
})

t.test('erase audio removes every file', async (t) => {
  const storage = open(t)
  await storage.write((db) => insertAudio(db, 'u1', pcm(1), 16000, '2026-12-01T10:00:00.000Z'))
  const folder = join(storage.db.name, '..', AUDIO_FOLDER, 'u1')
  writeFileSync(join(folder, '2026-11-30.pcm'), pcm(9))

  const erased = await eraseAudio(storage, 'u1', () => 'done')

  t.equal(erased.pieces, 1)
  t.equal(erased.result, 'done')
  t.equal(existsSync(folder), false)
})

t.test('erase audio reports an unreadable folder', async (t) => {
  const storage = open(t)
  mkdirSync(join(storage.db.name, '..', AUDIO_FOLDER), { recursive: true })
  writeFileSync(join(storage.db.name, '..', AUDIO_FOLDER, 'u1'), 'not a folder')

  await t.rejects(eraseAudio(storage, 'u1', () => 'done'), { code: 'ENOTDIR' })
})

t.test('erase audio stays inside the audio folder', async (t) => {
  const storage = open(t)
  const outside = join(storage.db.name, '..', 'keep.txt')
  writeFileSync(outside, 'not audio')

  const erased = await eraseAudio(storage, '..', () => 'done')

  t.equal(erased.pieces, 0)
  t.equal(existsSync(outside), true)
})

t.test('audio queued after an erase survives', async (t) => {
  const storage = open(t)
  await storage.write((db) => insertAudio(db, 'u1', pcm(1), 16000, '2026-12-01T10:00:00.000Z'))
  const folder = join(storage.db.name, '..', AUDIO_FOLDER, 'u1')

  const [erased] = await Promise.all([
    eraseAudio(storage, 'u1', () => 'done'),
    storage.write((db) => insertAudio(db, 'u1', pcm(2, 100), 16000, '2026-12-01T12:00:00.000Z'))
  ])

  t.equal(erased.pieces, 1)
  t.same(readAudioPieces(storage.db, 'u1', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z').map((piece) => piece.pcm), [pcm(2, 100)])
  const bytesLeft = readdirSync(folder).reduce((sum, name) => sum + statSync(join(folder, name)).size, 0)
  t.equal(bytesLeft, 100, 'only the new piece is left on disk')
})

t.test('new file erased before its folder syncs', async (t) => {
  const storage = open(t)
  // Four slow key derivations fill libuv's thread pool, so the erase below runs before the piece's syncs do.
  const poolBusy = Array.from({ length: 4 }, async () => await promisify(pbkdf2)('x', 'salt', 200_000, 32, 'sha256'))
  const { placed, ready } = placeAudio(storage.db, 'u9', '2026-12-01T10:00:00.000Z', pcm(3, 100))

  const erased = await eraseAudio(storage, 'u9', () => 'done')
  t.notOk(existsSync(join(storage.db.name, '..', AUDIO_FOLDER, 'u9')), 'the erase removed the folder first')
  await Promise.all(poolBusy)
  await ready
  await storage.write((db) => insertAudio(db, 'u9', pcm(3, 100), 16000, '2026-12-01T10:00:00.000Z', placed))

  t.equal(erased.pieces, 0)
  t.same(readAudioPieces(storage.db, 'u9', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z').map((piece) => piece.pcm), [pcm(3, 100)],
    'the piece sent after the erase is stored')
})

t.test('file of a delete cut short is removed at the next start', async (t) => {
  const dataDir = t.testdir()
  const first = new Storage(dataDir)
  await first.write((db) => insertAudio(db, 'u1', pcm(1), 16000, '2026-12-01T10:00:00.000Z'))
  // A crash after the delete's commit and before the removal of its file leaves the file behind.
  first.db.exec('DELETE FROM audio_chunks')
  first.close()

  const second = open(t, dataDir)
  t.same(removeUnreferencedAudio(second.db), ['u1/2026-12-01.pcm'])
  await second.write((db) => insertAudio(db, 'u1', pcm(2), 16000, '2026-12-01T11:00:00.000Z'))

  t.equal(statSync(join(dataDir, AUDIO_FOLDER, 'u1', '2026-12-01.pcm')).size, 320, 'the file holds only the new piece')
  t.same(removeUnreferencedAudio(second.db), [], 'a referenced file stays')
})

t.test('delete audio of every uid', async (t) => {
  const storage = open(t)
  await Promise.all([
    storage.write((db) => insertAudio(db, 'u1', pcm(1), 16000, '2026-11-30T10:00:00.000Z')),
    storage.write((db) => insertAudio(db, 'u2', pcm(2), 16000, '2026-11-30T10:00:00.000Z'))
  ])
  const folder = join(storage.db.name, '..', AUDIO_FOLDER)

  const deleted = await deleteAudio(storage, undefined, '2026-12-01T00:00:00.000Z')

  t.equal(deleted, 2)
  t.equal(existsSync(join(folder, 'u1', '2026-11-30.pcm')), false)
  t.equal(existsSync(join(folder, 'u2', '2026-11-30.pcm')), false)
})

t.test('delete audio tolerates a missing file', async (t) => {
  const storage = open(t)
  storage.db.prepare(`INSERT INTO audio_chunks (uid, received_at, sample_rate, byte_length, pcm, file, file_offset)
    VALUES ('u1', '2026-11-30T10:00:00.000Z', 16000, 2, x'', 'u1/2026-11-30.pcm', 0)`).run()

  const deleted = await deleteAudio(storage, 'u1', '2026-12-01T00:00:00.000Z')

  t.equal(deleted, 1)
})

t.test('delete audio reports an unremovable file', async (t) => {
  const storage = open(t)
  const folder = join(storage.db.name, '..', AUDIO_FOLDER, 'u1')
  mkdirSync(join(folder, 'not-a-file.pcm'), { recursive: true })
  storage.db.prepare(`INSERT INTO audio_chunks (uid, received_at, sample_rate, byte_length, pcm, file, file_offset)
    VALUES ('u1', '2026-11-30T10:00:00.000Z', 16000, 2, x'', 'u1/not-a-file.pcm', 0)`).run()

  await t.rejects(deleteAudio(storage, 'u1', '2026-12-01T00:00:00.000Z'), { code: 'EISDIR' })
})

t.test('audio for many uids in one batch', async (t) => {
  const storage = open(t)
  const uids = Array.from({ length: 70 }, (_, index) => `user_${index}`)

  await Promise.all(uids.map((uid) => storage.write((db) => insertAudio(db, uid, pcm(5), 16000, '2026-12-01T10:00:00.000Z'))))
  const pieces = uids.flatMap((uid) => readAudioPieces(storage.db, uid, '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z'))

  t.equal(pieces.length, 70)
  t.ok(pieces.every((piece) => piece.pcm.equals(pcm(5))))
})

t.test('writable check passes when open', async (t) => {
  const storage = open(t)

  t.doesNotThrow(() => storage.checkWritable())
})
