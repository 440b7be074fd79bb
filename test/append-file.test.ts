import t, { type Test } from 'tap'
import fs from 'node:fs'
import { join } from 'node:path'
import { syncBuiltinESMExports } from 'node:module'
import { pbkdf2 } from 'node:crypto'
import { promisify } from 'node:util'

// Disk errors cannot be caused on a healthy disk, so the next fdatasync can be made to fail with EIO.
let failures = 0
const realFdatasync = fs.fdatasync
const realFdatasyncSync = fs.fdatasyncSync

function takeFailure (): NodeJS.ErrnoException | undefined {
  if (failures === 0) return undefined
  failures--
  return Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })
}

fs.fdatasync = ((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
  const failure = takeFailure()
  if (failure === undefined) realFdatasync(fd, callback)
  else setImmediate(() => { callback(failure) })
}) as typeof fs.fdatasync
fs.fdatasyncSync = (fd: number) => {
  const failure = takeFailure()
  if (failure !== undefined) throw failure
  realFdatasyncSync(fd)
}
syncBuiltinESMExports()

const { AppendFile } = await import('../src/storage/append-file.js')
const { AudioFiles } = await import('../src/storage/audio-files.js')
const { syncFolderOnPool } = await import('../src/storage/folders.js')

const DAY = '2026-12-01T10:00:00.000Z'

function openAppendFile (t: Test): InstanceType<typeof AppendFile> {
  const file = new AppendFile(join(t.testdir(), 'a.pcm'), () => {})
  t.teardown(() => { file.close() })
  return file
}

function openAudioFiles (t: Test): InstanceType<typeof AudioFiles> {
  const files = new AudioFiles(t.testdir())
  t.teardown(() => { files.close() })
  return files
}

t.test('failed sync fails later appends', async (t) => {
  const file = openAppendFile(t)
  failures = 1

  const first = file.appendDurably(Buffer.alloc(100, 1))
  const second = file.appendDurably(Buffer.alloc(100, 2))

  await t.rejects(first, { code: 'EIO' })
  await t.rejects(second, { code: 'EIO' }, 'an append sharing the failed sync fails too')
  await t.rejects(file.appendDurably(Buffer.alloc(100, 3)), { code: 'EIO' }, 'an append after it fails at once')
  t.throws(() => file.appendSync(Buffer.alloc(100, 4)), { code: 'EIO' })
  t.equal(file.failed, true)
})

t.test('failed folder sync fails the append', async (t) => {
  const dir = t.testdir()
  const file = new AppendFile(join(dir, 'a.pcm'), () => {}, { sync: async () => { await syncFolderOnPool(join(dir, 'missing')) }, syncNow: () => {} })
  t.teardown(() => { file.close() })

  await t.rejects(file.appendDurably(Buffer.alloc(100, 1)), { code: 'ENOENT' })
  t.equal(file.failed, true, 'the entry of the file may not be on disk')
})

t.test('failed sync of a new file waits for its write', async (t) => {
  const file = openAppendFile(t)
  // Four slow key derivations fill libuv's thread pool, so the write waits while the folder's sync fails at once.
  const poolBusy = Array.from({ length: 4 }, async () => await promisify(pbkdf2)('x', 'salt', 200_000, 32, 'sha256'))
  failures = 1

  await t.rejects(file.appendDurably(Buffer.alloc(100, 1)), { code: 'EIO' })

  t.equal(fs.fstatSync(file.fd).size, 100, 'the write ended before the append failed')
  t.equal(file.busy, false)
  await Promise.all(poolBusy)
})

t.test('failed synchronous sync fails later appends', async (t) => {
  const file = openAppendFile(t)
  file.appendSync(Buffer.alloc(100, 1))
  failures = 1

  t.throws(() => { file.syncDirty() }, { code: 'EIO' })
  t.throws(() => file.appendSync(Buffer.alloc(100, 2)), { code: 'EIO' })
  t.equal(file.failed, true)
})

t.test('pieces after a failed sync go to a new file', async (t) => {
  const files = openAudioFiles(t)
  await files.appendDurably('u1', DAY, Buffer.alloc(100, 1))
  failures = 1

  await t.rejects(files.appendDurably('u1', DAY, Buffer.alloc(100, 2)), { code: 'EIO' })
  const next = await files.appendDurably('u1', DAY, Buffer.alloc(100, 2))

  t.equal(next.file, 'u1/2026-12-01.1.pcm')
  t.equal(next.offset, 0)
  t.same(files.read(next.file, next.offset, 100), Buffer.alloc(100, 2))
})

t.test('failed batch sync spares later batches', async (t) => {
  const files = openAudioFiles(t)
  files.append('u1', DAY, Buffer.alloc(100, 1))
  failures = 1

  t.throws(() => { files.syncDirty() }, { code: 'EIO' })
  files.append('u2', DAY, Buffer.alloc(100, 2))

  t.doesNotThrow(() => { files.syncDirty() }, 'a file of another uid still syncs')
  t.equal(files.append('u1', DAY, Buffer.alloc(100, 3)).file, 'u1/2026-12-01.1.pcm')
})

t.test('failed file closed for the limit stays unused', async (t) => {
  const files = openAudioFiles(t)
  await files.appendDurably('u0', DAY, Buffer.alloc(100, 1))
  failures = 1
  await t.rejects(files.appendDurably('u0', DAY, Buffer.alloc(100, 2)), { code: 'EIO' })

  // 64 other files close the failed one, which is the oldest.
  await Promise.all(Array.from({ length: 64 }, (_, index) => files.appendDurably(`u${index + 1}`, DAY, Buffer.alloc(100, 3))))
  const next = await files.appendDurably('u0', DAY, Buffer.alloc(100, 4))

  t.equal(next.file, 'u0/2026-12-01.1.pcm')
})
