import t from 'tap'
import { existsSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { NewFolders, syncFolderOnPool } from '../src/storage/folders.js'

t.test('new folders wait for their parents', async (t) => {
  const root = t.testdir()
  const folders = new NewFolders()

  folders.create(join(root, 'audio', 'u1'))
  folders.create(join(root, 'audio', 'u2'))

  t.same(folders.unsynced(join(root, 'audio', 'u2')), [join(root, 'audio'), join(root, 'audio', 'u2')],
    'the second folder also waits for the entry of the folder the first call created')
  await folders.sync(join(root, 'audio', 'u2'))
  t.same(folders.unsynced(join(root, 'audio', 'u1')), [join(root, 'audio', 'u1')])
  folders.syncNow(join(root, 'audio', 'u1'))
  t.same(folders.unsynced(join(root, 'audio', 'u1')), [])
  t.ok(existsSync(join(root, 'audio', 'u1')))
})

t.test('failed parent sync is tried again', async (t) => {
  const root = t.testdir()
  const folders = new NewFolders()
  folders.create(join(root, 'x', 'y'))
  // Moving x away makes the fsync of its old path fail, as a failed fsync would.
  renameSync(join(root, 'x'), join(root, 'moved'))

  await t.rejects(folders.sync(join(root, 'x', 'y')), { code: 'ENOENT' })

  t.same(folders.unsynced(join(root, 'x', 'y')), [join(root, 'x', 'y')], 'only the entry whose parent synced is done')
})

t.test('folder syncs resolve and report errors', async (t) => {
  const folder = t.testdir({ a: 'x' })

  await Promise.all(Array.from({ length: 50 }, async () => { await syncFolderOnPool(folder) }))

  await t.rejects(syncFolderOnPool(join(folder, 'missing')), { code: 'ENOENT' })
})
