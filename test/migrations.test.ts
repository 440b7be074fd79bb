import t from 'tap'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { build, testEnv } from './helpers/build.js'
import { apiUrl, conversation, deliver } from './helpers/api.js'
import { migrations } from '../src/storage/migrations.js'
import { DATABASE_FILE } from '../src/storage/database.js'
import { upsertLiveSegments } from '../src/storage/transcripts.js'
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'

/** Creates the database of `env` at schema version `version`, lets `fill` write to it, and closes it. */
function databaseAt (env: Record<string, unknown>, version: number, fill: (db: Database.Database) => void): void {
  const db = new Database(join(env.DATA_DIR as string, DATABASE_FILE))
  for (const migration of migrations.slice(0, version)) db.exec(migration)
  db.pragma(`user_version = ${version}`)
  fill(db)
  db.close()
}

async function idsFound (app: FastifyInstance, uid: string, query: string): Promise<string[]> {
  const response = await app.inject({ method: 'GET', url: apiUrl(uid, '/conversations', `q=${query}`) })
  return response.json().items.map((item: { id: string }) => item.id)
}

async function liveTexts (t: Test, app: FastifyInstance, uid: string): Promise<string[]> {
  const response = await app.inject({ method: 'GET', url: apiUrl(uid, '/transcripts') })
  t.equal(response.statusCode, 200)
  return response.json().items.map((item: { text: string }) => item.text)
}

t.test('migration indexes existing conversations', async (t) => {
  const env = testEnv(t)
  databaseAt(env, 1, (db) => {
    db.prepare(`INSERT INTO memories (uid, id, created_at, title, overview, body, received_at, updated_at)
      VALUES ('user_1', 'old', '2026-11-30T10:00:00.000Z', 'Old title', 'Old overview', '{}', '2026-11-30T10:00:00.000Z', '2026-11-30T10:00:00.000Z')`).run()
    db.prepare(`INSERT INTO conversation_segments (uid, memory_id, position, text, start, end)
      VALUES ('user_1', 'old', 0, 'spoken before the upgrade', 0, 1)`).run()
  })

  const app = await build(t, env)
  t.same(await idsFound(app, 'user_1', 'old'), ['old'])
  t.same(await idsFound(app, 'user_1', 'upgrade'), ['old'])
})

/** Writes a conversation with one transcript segment the way schema version 4 stored it, with a search table of three columns. */
function insertVersion4Conversation (db: Database.Database, uid: string, memory: Record<string, unknown>, segmentText: string): void {
  const { title, overview } = memory.structured as { title: string, overview: string }
  const at = '2026-11-30T10:00:00.000Z'
  db.prepare(`INSERT INTO memories (uid, id, created_at, title, overview, body, received_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(uid, memory.id, at, title, overview, JSON.stringify(memory), at, at)
  db.prepare(`INSERT INTO conversation_segments (uid, memory_id, position, segment_id, text, start, end)
    VALUES (?, ?, 0, ?, ?, 0, 2)`).run(uid, memory.id, `${memory.id as string}-s0`, segmentText)
  const key = db.prepare('INSERT INTO conversation_search_keys (uid, memory_id) VALUES (?, ?)').run(uid, memory.id).lastInsertRowid
  db.prepare('INSERT INTO conversation_search (rowid, title, overview, transcript) VALUES (?, ?, ?, ?)').run(key, title, overview, segmentText)
}

t.test('rowid upgrade keeps rows, keys and search', async (t) => {
  const env = testEnv(t)
  const text = 'bring the rakes on Saturday'
  const garden = conversation({ id: 'garden', title: 'Garden plans', segments: [{ text, start: 0, end: 2 }] })
  const theirs = conversation({ id: 'theirs', title: 'Rakes and garden gloves', segments: [{ text, start: 0, end: 2 }] })
  databaseAt(env, 4, (db) => {
    insertVersion4Conversation(db, 'user_1', garden, text)
    insertVersion4Conversation(db, 'user_2', theirs, text)
    upsertLiveSegments(db, 'user_1', 'session_a', [{ id: 's1', text: 'Remind me', start: 41.36, end: 42 }], '2026-11-30T10:00:00.000Z')
  })

  const app = await build(t, env)

  const stored = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations/garden') })
  t.same(stored.json(), garden)
  t.same(await idsFound(app, 'user_1', 'rakes'), ['garden'])
  t.same(await idsFound(app, 'user_2', 'rakes'), ['theirs'], 'each user finds only their own conversations')
  t.same(await liveTexts(t, app, 'user_1'), ['Remind me'])

  // The same keys must still be unique: a resent segment and a changed conversation replace their rows.
  await deliver(app, 'user_1', { session_id: 'session_a', segments: [{ id: 's1', text: 'Remind me to water the seedlings.', start: 41.36, end: 44.12 }] })
  await deliver(app, 'user_1', { ...garden, structured: { title: 'Tool list' } })
  t.same(await liveTexts(t, app, 'user_1'), ['Remind me to water the seedlings.'])
  t.same(await idsFound(app, 'user_1', 'garden'), [])
  t.same(await idsFound(app, 'user_1', 'tool'), ['garden'])

  const deleted = await app.inject({ method: 'DELETE', url: apiUrl('user_1', '/conversations/garden') })
  t.equal(deleted.statusCode, 204)
  t.same(await idsFound(app, 'user_1', 'rakes'), [], 'deleting a conversation still removes its search entry')

  const db = new Database(join(env.DATA_DIR as string, DATABASE_FILE), { readonly: true })
  t.teardown(() => db.close())
  t.equal(db.pragma('user_version', { simple: true }), migrations.length)
  t.equal(db.prepare(`SELECT count(*) FROM conversation_search WHERE conversation_search MATCH 'rakes OR tool'`).pluck().get(), 1,
    'no search entry of user_1 is left behind')
})
