import Fastify, { type FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import app from '../../src/app.js'
import { loadConfig, type Environment } from '../../src/config.js'
import { serverOptions, type LogStream } from '../../src/server-options.js'

export const SECRET = 'test-secret-0123456789abcdef'

/** Environment of a test app: a fresh data folder, a known secret, quiet logs. */
export function testEnv (t: Test, overrides: Environment = {}): Environment {
  return {
    DATA_DIR: t.testdir(),
    WEBHOOK_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    ...overrides
  }
}

/**
 * Builds the app exactly as the process entry does, and closes it when the
 * test ends. Log lines go to `logStream` when one is given.
 */
export async function build (t: Test, env: Environment = testEnv(t), logStream?: LogStream): Promise<FastifyInstance> {
  const server = Fastify(serverOptions(loadConfig(env), logStream))
  await server.register(app, { env })
  await server.ready()
  t.teardown(() => server.close())
  return server
}

/** Builds a webhook URL with the test secret in `?key=`. */
export function webhookUrl (uid = 'user_1', extra = ''): string {
  return `/webhook?uid=${uid}&key=${SECRET}${extra}`
}
