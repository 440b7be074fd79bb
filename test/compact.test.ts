import t, { type Test } from 'tap'
import Database from 'better-sqlite3'
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, testEnv } from './helpers/build.js'
import { apiUrl, conversation, deliver } from './helpers/api.js'
import { runUntilExit } from './helpers/process.js'
import { compactDatabase } from '../src/storage/compact.js'
import { DataFolderInUseError } from '../src/storage/data-folder-lock.js'
import { DATABASE_FILE, migrate } from '../src/storage/database.js'
import type { Environment } from '../src/config.js'

const COMPACT_ENTRY = fileURLToPath(new URL('../src/compact.js', import.meta.url))

/** Reads the database file and its write-ahead log, if any, as Latin-1 text to search for stored words. */
function databaseText (dataDir: string): string {
  return readdirSync(dataDir)
    .filter((name) => name.startsWith(DATABASE_FILE))
    .map((name) => readFileSync(join(dataDir, name), 'latin1'))
    .join('')
}

/** Stores a conversation and a live transcript of `gone` and a conversation of `kept`, erases `gone` and closes the app. */
async function storeAndErase (t: Test, env: Environment): Promise<void> {
  const app = await build(t, env)
  await deliver(app, 'gone', conversation({ id: 'c1', title: 'Zanzibarwatermelon plans', segments: [{ text: 'Zanzibarwatermelon spoken', start: 0, end: 1 }] }))
  await deliver(app, 'gone', { session_id: 's1', segments: [{ id: 'x', text: 'Quetzalcoatlfeather said', start: 0, end: 1 }] })
  await deliver(app, 'kept', conversation({ id: 'c2', title: 'Keepsake plans' }))
  const erased = await app.inject({ method: 'DELETE', url: apiUrl('gone') })
  t.equal(erased.statusCode, 204)
  await app.close()
}

t.test('compact removes erased words from the file', async (t) => {
  const env = testEnv(t)
  const dataDir = env.DATA_DIR as string
  await storeAndErase(t, env)
  // A delete frees pages without overwriting them, and the search index keeps lowercased words until a merge.
  t.match(databaseText(dataDir), 'Zanzibarwatermelon', 'the erased title is still in a free page')
  t.match(databaseText(dataDir), 'zanzibarwatermelon', 'the erased word is still in the search index')

  const result = compactDatabase(dataDir)

  const text = databaseText(dataDir)
  for (const word of ['Zanzibarwatermelon', 'zanzibarwatermelon', 'Quetzalcoatlfeather', 'quetzalcoatlfeather']) {
    t.notMatch(text, word, `${word} is gone`)
  }
  t.ok(result.bytesAfter <= result.bytesBefore, `${result.bytesBefore} bytes before, ${result.bytesAfter} after`)
  const app = await build(t, env)
  const found = await app.inject({ method: 'GET', url: apiUrl('kept', '/conversations', 'q=keepsake') })
  t.same(found.json().items.map((item: { id: string }) => item.id), ['c2'], 'data of other users stays searchable')
})

t.test('compact keeps rows only in the log', async (t) => {
  const env = testEnv(t)
  const app = await build(t, env)
  await deliver(app, 'kept', conversation({ id: 'c2', title: 'Keepsake plans' }))
  // Copying the files of a running service gives what a crash leaves: committed rows still in the write-ahead log.
  const copy = join(env.DATA_DIR as string, 'copy')
  mkdirSync(copy)
  for (const suffix of ['', '-wal']) copyFileSync(join(env.DATA_DIR as string, DATABASE_FILE + suffix), join(copy, DATABASE_FILE + suffix))
  t.ok(statSync(join(copy, `${DATABASE_FILE}-wal`)).size > 0, 'the copy has a write-ahead log')

  compactDatabase(copy)

  const db = new Database(join(copy, DATABASE_FILE), { readonly: true })
  t.teardown(() => db.close())
  t.equal(db.prepare("SELECT title FROM memories WHERE id = 'c2'").pluck().get(), 'Keepsake plans')
})

t.test('compact turns on incremental vacuum', async (t) => {
  const dataDir = t.testdir()
  const old = new Database(join(dataDir, DATABASE_FILE))
  migrate(old)
  t.equal(old.pragma('auto_vacuum', { simple: true }), 0, 'a database created before incremental vacuum')
  old.close()

  compactDatabase(dataDir)

  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true })
  t.teardown(() => db.close())
  t.equal(db.pragma('auto_vacuum', { simple: true }), 2, 'incremental')
})

t.test('compact refuses while the service runs', async (t) => {
  const env = testEnv(t)
  await build(t, env)

  t.throws(() => compactDatabase(env.DATA_DIR as string), DataFolderInUseError)
})

t.test('compact needs an existing database', async (t) => {
  const dataDir = t.testdir()

  t.throws(() => compactDatabase(dataDir), { message: `no database found at ${join(dataDir, DATABASE_FILE)}: set DATA_DIR to the data folder of the service` })
  t.same(readdirSync(dataDir), [], 'nothing is created')
})

t.test('compact command reports sizes and errors', async (t) => {
  const env = testEnv(t)
  const dataDir = env.DATA_DIR as string
  await storeAndErase(t, env)

  const done = await runUntilExit({ DATA_DIR: dataDir }, dataDir, COMPACT_ENTRY)
  t.equal(done.code, 0)
  t.match(done.stdout, new RegExp(`^omi-webhook: compacted ${join(dataDir, DATABASE_FILE)} from \\d+\\.\\d MB to \\d+\\.\\d MB\\n$`))

  const app = await build(t, env)
  const rejected = await runUntilExit({ DATA_DIR: dataDir }, dataDir, COMPACT_ENTRY)
  t.equal(rejected.code, 1)
  t.match(rejected.stderr, /^omi-webhook: the data folder .* is in use by another omi-webhook instance/)
  await app.close()
})
