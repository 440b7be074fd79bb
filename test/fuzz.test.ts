import t from 'tap'
import fc from 'fast-check'
import { build } from './helpers/build.js'
import { fuzzRequests } from './helpers/fuzz-deliveries.js'

const RUNS = Number(process.env.FUZZ_RUNS ?? 400)

t.test('fuzzed deliveries never cause 5xx', async (t) => {
  const app = await build(t)
  const serverErrors: Array<{ url: string, status: number, body: string }> = []
  let storedReplies = 0

  await fc.assert(fc.asyncProperty(fuzzRequests, async (request) => {
    const response = await app.inject({ method: 'POST', url: request.url, headers: request.headers, payload: request.payload })
    if (response.statusCode >= 500) serverErrors.push({ url: request.url, status: response.statusCode, body: request.payload.subarray(0, 200).toString() })
    if (response.statusCode < 300 && response.json().status !== undefined) storedReplies++
    return response.statusCode < 500
  }), { numRuns: RUNS, seed: process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED) })
  await app.storage.write(() => undefined)
  const db = app.storage.db
  const storedRows = db.prepare("SELECT count(*) FROM deliveries WHERE outcome IN ('stored', 'updated', 'duplicate')").pluck().get()
  const unparsableMemories = (db.prepare('SELECT body FROM memories').pluck().all() as string[])
    .filter((body) => !isJson(body)).length

  t.same(serverErrors, [])
  t.equal(storedRows, storedReplies)
  t.equal(unparsableMemories, 0)
  t.equal(db.pragma('integrity_check', { simple: true }), 'ok')
})

function isJson (text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
