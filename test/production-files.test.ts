import t from 'tap'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { build, testEnv } from './helpers/build.js'
import { DATABASE_FILE } from '../src/storage/database.js'
import { SECRET_FILE } from '../src/secret.js'

function mode (path: string): string {
  return (statSync(path).mode & 0o777).toString(8)
}

t.test('data files are private', async (t) => {
  const dataDir = join(t.testdir(), 'data')
  const env = testEnv(t, { DATA_DIR: dataDir, WEBHOOK_SECRET: undefined })
  const app = await build(t, env)

  await app.inject({ method: 'POST', url: `/webhook?uid=user_1&key=${app.webhookSecret.value}`, payload: { type: 'memory_backward_synced' } })

  t.equal(mode(dataDir), '700', 'DATA_DIR')
  t.equal(mode(join(dataDir, SECRET_FILE)), '600', 'generated secret')
  t.equal(mode(join(dataDir, DATABASE_FILE)), '600', 'database')
  t.equal(mode(join(dataDir, `${DATABASE_FILE}-wal`)), '600', 'write-ahead log')
  t.equal(mode(join(dataDir, `${DATABASE_FILE}-shm`)), '600', 'shared-memory index')
})
