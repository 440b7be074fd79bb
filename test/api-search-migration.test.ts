import t from 'tap'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { build, testEnv } from './helpers/build.js'
import { apiUrl } from './helpers/api.js'
import { migrations } from '../src/storage/migrations.js'
import { DATABASE_FILE } from '../src/storage/database.js'

t.test('migration indexes existing conversations', async (t) => {
  const env = testEnv(t)
  const db = new Database(join(env.DATA_DIR as string, DATABASE_FILE))
  db.exec(migrations[0])
  db.pragma('user_version = 1')
  db.prepare(`INSERT INTO memories (uid, id, created_at, title, overview, body, received_at, updated_at)
    VALUES ('user_1', 'old', '2026-11-30T10:00:00.000Z', 'Old title', 'Old overview', '{}', '2026-11-30T10:00:00.000Z', '2026-11-30T10:00:00.000Z')`).run()
  db.prepare(`INSERT INTO conversation_segments (uid, memory_id, position, text, start, end)
    VALUES ('user_1', 'old', 0, 'spoken before the upgrade', 0, 1)`).run()
  db.close()

  const app = await build(t, env)
  const byTitle = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations', 'q=old') })
  const byTranscript = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations', 'q=upgrade') })

  t.same(byTitle.json().items.map((item: { id: string }) => item.id), ['old'])
  t.same(byTranscript.json().items.map((item: { id: string }) => item.id), ['old'])
})
