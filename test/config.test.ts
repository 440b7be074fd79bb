import t from 'tap'
import { mkdirSync, readFileSync, statSync } from 'node:fs'
import * as fs from 'node:fs'
import { join } from 'node:path'
import { ConfigError, describeEnvError, loadConfig, splitList } from '../src/config.js'
import { resolveSecret, safeEqual, SECRET_FILE } from '../src/secret.js'
import { parseTrustProxy, redactUrl, serverOptions } from '../src/server-options.js'
import { runUntilExit, startServer } from './helpers/process.js'

// tap resolves a relative mock path from the .ts source, which is not run, so the compiled module is named in full.
const SECRET_MODULE = new URL('../src/secret.js', import.meta.url).href

/** Makes the server process see its stdout as a terminal, as when an operator runs it by hand. */
const TERMINAL_STDOUT = '--import=data:text/javascript,process.stdout.isTTY=true'

t.test('short WEBHOOK_SECRET is rejected', async (t) => {
  const load = () => loadConfig({ WEBHOOK_SECRET: 'fifteen-chars!!' })

  t.throws(load, ConfigError)
  t.throws(load, { message: /Invalid WEBHOOK_SECRET: must NOT have fewer than 16 characters/ })
})

t.test('invalid values name the variable', async (t) => {
  const cases = [
    { env: { PORT: 'abc' }, name: 'PORT', expected: /must be integer \(expected a whole number\)/ },
    { env: { PORT: '70000' }, name: 'PORT', expected: /must be <= 65535/ },
    { env: { PORT: '-1' }, name: 'PORT', expected: /must be >= 0/ },
    { env: { LOG_LEVEL: 'loud' }, name: 'LOG_LEVEL', expected: /is not an accepted value \(expected one of fatal, error, warn, info, debug, trace\)/ },
    { env: { LOG_FORMAT: 'fancy' }, name: 'LOG_FORMAT', expected: /expected json, pretty, or auto/ },
    { env: { JSON_BODY_LIMIT: '-1' }, name: 'JSON_BODY_LIMIT', expected: /must be >= 1024 \(expected largest JSON body, in bytes\)/ },
    { env: { AUDIO_BODY_LIMIT: '12.5' }, name: 'AUDIO_BODY_LIMIT', expected: /must be integer \(expected largest raw audio body, in bytes\)/ },
    { env: { AUTH_FAILURE_LIMIT: '0' }, name: 'AUTH_FAILURE_LIMIT', expected: /must be >= 1/ },
    { env: { SHUTDOWN_GRACE_MS: 'soon' }, name: 'SHUTDOWN_GRACE_MS', expected: /in milliseconds/ },
    { env: { AUDIO_RETENTION_DAYS: '-3' }, name: 'AUDIO_RETENTION_DAYS', expected: /must be >= 0/ },
    { env: { HOST: '' }, name: 'HOST', expected: /must NOT have fewer than 1 characters$/ }
  ]

  for (const { env, name, expected } of cases) {
    const load = () => loadConfig(env)

    t.throws(load, ConfigError, `${name}=${Object.values(env)[0]} throws a ConfigError`)
    t.throws(load, { message: new RegExp(`^Invalid ${name}: `) }, `${name} is named first`)
    t.throws(load, { message: expected }, `${name} message gives the expected form`)
  }
})

t.test('union error is reported once', async (t) => {
  const load = () => loadConfig({ LOG_LEVEL: 'loud' })

  t.throws(load, { message: /^[^;]+$/ })
})

t.test('defaults fill unset variables', async (t) => {
  const config = loadConfig({})

  t.equal(config.PORT, 32768)
  t.equal(config.HOST, '0.0.0.0')
  t.equal(config.DATA_DIR, './data')
  t.equal(config.LOG_LEVEL, 'info')
  t.equal(config.WEBHOOK_SECRET, undefined)
})

t.test('env error without details', async (t) => {
  const message = describeEnvError(new Error('plain failure'))

  t.equal(message, 'plain failure')
})

t.test('env error names missing variable', async (t) => {
  const error = Object.assign(new Error('invalid'), {
    errors: [
      { instancePath: '', params: { missingProperty: 'PORT' }, message: 'must have required property' },
      { instancePath: '', params: {}, message: undefined }
    ]
  })

  const message = describeEnvError(error)

  t.equal(message, 'Invalid PORT: must have required property (expected a whole number); Invalid configuration: invalid value')
})

t.test('list splitting trims and drops empties', async (t) => {
  const items = splitList(' a, b ,,c ,')

  t.same(items, ['a', 'b', 'c'])
})

t.test('trust proxy values are parsed', async (t) => {
  t.equal(parseTrustProxy(''), false)
  t.equal(parseTrustProxy('FALSE'), false)
  t.equal(parseTrustProxy('true'), true)
  t.equal(parseTrustProxy('2'), 2)
  t.same(parseTrustProxy('10.0.0.0/8, 127.0.0.1'), ['10.0.0.0/8', '127.0.0.1'])
})

t.test('secret query values are redacted', async (t) => {
  const url = redactUrl('/webhook?key=abc?uid=u1&token=t&secret=s')

  t.equal(url, '/webhook?key=[redacted]?uid=u1&token=[redacted]&secret=[redacted]')
})

t.test('pretty log format uses pino-pretty', async (t) => {
  const options = serverOptions(loadConfig({ LOG_FORMAT: 'pretty' }))

  t.match(options.logger, { transport: { target: 'pino-pretty' } })
})

t.test('logged requests are redacted', async (t) => {
  const options = serverOptions(loadConfig({})) as { logger: { serializers: { req: (request: unknown) => unknown } } }

  const logged = options.logger.serializers.req({ method: 'POST', url: '/webhook?uid=u1&key=secret-value', ip: '127.0.0.1' })

  t.same(logged, { method: 'POST', url: '/webhook?uid=u1&key=[redacted]', remoteAddress: '127.0.0.1' })
})

t.test('json log format has no transport', async (t) => {
  const options = serverOptions(loadConfig({ LOG_FORMAT: 'json' }))

  t.notOk((options.logger as Record<string, unknown>).transport)
})

t.test('configured secret comes from environment', async (t) => {
  const secret = resolveSecret('configured-secret-0000', t.testdir())

  t.same(secret, { value: 'configured-secret-0000', source: 'environment' })
})

t.test('unset secret is generated and saved', async (t) => {
  const dataDir = join(t.testdir(), 'data')

  const secret = resolveSecret(undefined, dataDir)

  const path = join(dataDir, SECRET_FILE)
  t.equal(secret.source, 'generated')
  t.equal(secret.path, path)
  t.ok(secret.value.length >= 16, 'generated secret has at least 16 characters')
  t.equal(readFileSync(path, 'utf8'), secret.value + '\n')
  t.equal(statSync(path).mode & 0o777, 0o600)
})

t.test('saved secret is reused', async (t) => {
  const dataDir = t.testdir()
  const first = resolveSecret(undefined, dataDir)

  const second = resolveSecret(undefined, dataDir)

  t.equal(second.value, first.value)
  t.equal(second.source, 'file')
})

t.test('short saved secret is rejected', async (t) => {
  const dataDir = t.testdir({ [SECRET_FILE]: 'too-short\n' })

  const resolve = () => resolveSecret(undefined, dataDir)

  t.throws(resolve, { message: /shorter than 16 characters; delete the file to generate a new one/ })
})

t.test('unreadable secret file is reported', async (t) => {
  const dataDir = t.testdir()
  mkdirSync(join(dataDir, SECRET_FILE))

  const resolve = () => resolveSecret(undefined, dataDir)

  t.throws(resolve, { code: 'EISDIR' })
})

t.test('concurrent start uses the first secret', async (t) => {
  const dataDir = t.testdir()
  const path = join(dataDir, SECRET_FILE)
  const { resolveSecret: resolveRacing } = await t.mockImport<typeof import('../src/secret.js')>(SECRET_MODULE, {
    'node:fs': {
      ...fs,
      writeFileSync: () => {
        fs.writeFileSync(path, 'written-by-another-process\n')
        throw Object.assign(new Error('file exists'), { code: 'EEXIST' })
      }
    }
  })

  const secret = resolveRacing(undefined, dataDir)

  t.same(secret, { value: 'written-by-another-process', source: 'file', path })
})

t.test('failed secret write is raised', async (t) => {
  const { resolveSecret: resolveFailing } = await t.mockImport<typeof import('../src/secret.js')>(SECRET_MODULE, {
    'node:fs': {
      ...fs,
      writeFileSync: () => { throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }) }
    }
  })

  const resolve = () => resolveFailing(undefined, t.testdir())

  t.throws(resolve, { code: 'ENOSPC' })
})

t.test('safeEqual compares whole strings', async (t) => {
  t.equal(safeEqual('same-secret-value', 'same-secret-value'), true)
  t.equal(safeEqual('same-secret-value', 'same-secret-valuf'), false)
  t.equal(safeEqual('same-secret', 'same-secret-value'), false)
  t.equal(safeEqual('same-secret-value-and-more', 'same-secret-value'), false)
  t.equal(safeEqual('', 'same-secret-value'), false)
  t.equal(safeEqual('', ''), true)
  t.equal(safeEqual('x'.repeat(300), 'same-secret-value'), false)
  t.equal(safeEqual('x'.repeat(300), 'x'.repeat(300)), true)
  t.equal(safeEqual('x'.repeat(301), 'x'.repeat(300)), false)
  t.equal(safeEqual('same-secret-value\u0000', 'same-secret-value'), false)
})

t.test('invalid environment exits with 1', async (t) => {
  const cwd = t.testdir()

  const result = await runUntilExit({ PORT: 'abc', DATA_DIR: join(cwd, 'data') }, cwd)

  t.equal(result.code, 1)
  t.match(result.stderr, /^omi-webhook: configuration error: Invalid PORT: must be integer/)
})

t.test('.env file is read', async (t) => {
  const cwd = t.testdir({ '.env': 'LOG_LEVEL=loud\n' })

  const result = await runUntilExit({ LOG_LEVEL: undefined, DATA_DIR: join(cwd, 'data') }, cwd)

  t.equal(result.code, 1)
  t.match(result.stderr, /Invalid LOG_LEVEL/)
})

t.test('environment wins over .env', async (t) => {
  const cwd = t.testdir({ '.env': 'PORT=abc\n' })

  const result = await runUntilExit({ PORT: '70000', DATA_DIR: join(cwd, 'data') }, cwd)

  t.match(result.stderr, /Invalid PORT: must be <= 65535/)
})

t.test('process announces where the secret is', async (t) => {
  const cwd = t.testdir()
  const dataDir = join(cwd, 'data')
  const env = { WEBHOOK_SECRET: undefined, DATA_DIR: dataDir }
  const path = join(dataDir, SECRET_FILE)

  const first = await startServer(t, env, cwd)
  await first.stop()
  const secret = readFileSync(path, 'utf8').trim()
  const second = await startServer(t, env, cwd)
  await second.stop()

  t.match(first.stdout(), `omi-webhook: generated a secret and saved it in ${path}`)
  t.equal(first.stdout().split('/webhook?key=').length, 2, 'the URL is printed once')
  t.notMatch(first.stdout(), secret, 'the secret is not printed to a pipe')
  t.match(second.stdout(), `omi-webhook: using the secret saved in ${path}`)
  t.notMatch(second.stdout(), secret, 'the secret is not printed again')
})

t.test('terminal shows the generated URL', async (t) => {
  const cwd = t.testdir()
  const dataDir = join(cwd, 'data')

  const server = await startServer(t, { WEBHOOK_SECRET: undefined, DATA_DIR: dataDir }, cwd, [TERMINAL_STDOUT])
  await server.stop()

  const secret = readFileSync(join(dataDir, SECRET_FILE), 'utf8').trim()
  t.match(server.stdout(), `Paste this URL into every webhook field of the Omi app (Settings > Developer Mode), with the public HTTPS host of your reverse proxy (or http://<host>:`)
  t.match(server.stdout(), `/webhook?key=${secret}\n`)
})

t.test('process names secret from environment', async (t) => {
  const cwd = t.testdir()
  const secret = 'process-secret-0123456789'

  const server = await startServer(t, { WEBHOOK_SECRET: secret, DATA_DIR: join(cwd, 'data') }, cwd)
  const code = await server.stop()

  t.equal(code, 0)
  t.match(server.stdout(), 'omi-webhook: using WEBHOOK_SECRET from the environment')
  t.notMatch(server.stdout(), secret)
})

