import { readAudioPieces } from '../../src/storage/audio.js'
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'

/** The test/fixtures folder, resolved from the compiled file in build/test/helpers. */
const FIXTURES = new URL('../../../test/fixtures/', import.meta.url)

/** Returns the exact bytes of a fixture file. */
export function fixtureBytes (name: string): Buffer {
  return readFileSync(new URL(name, FIXTURES))
}

/** Returns a fresh parsed copy of a JSON fixture, which a test may change. */
export function fixture<T = Record<string, any>> (name: string): T {
  return JSON.parse(fixtureBytes(name).toString('utf8')) as T
}

/** Runs a query on the app's SQLite database and returns every row. */
export function rows<T = Record<string, any>> (app: FastifyInstance, sql: string, ...params: unknown[]): T[] {
  return app.storage.db.prepare(sql).all(...params) as T[]
}

/** Builds `count` bytes of 16-bit PCM whose bytes count up from `first`. */
export function pcm (count: number, first = 0): Buffer {
  const bytes = Buffer.alloc(count)
  for (let i = 0; i < count; i++) bytes[i] = (first + i) % 256
  return bytes
}

/**
 * Waits until writes queued so far are committed, such as the rejection
 * record that the webhook route queues after its reply is sent.
 */
export async function committed (app: FastifyInstance): Promise<void> {
  await app.storage.write(() => undefined)
}

/** Returns the stored PCM of every audio piece of `uid`, in order of arrival, read from the audio files. */
export function storedPcm (app: FastifyInstance, uid = 'user_1'): Buffer[] {
  return readAudioPieces(app.storage.db, uid, '0000', '9999').map((piece) => piece.pcm)
}
