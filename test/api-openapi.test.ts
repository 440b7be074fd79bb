import t from 'tap'
import { build, testEnv } from './helpers/build.js'

t.test('OpenAPI document is public', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'GET', url: '/openapi.json' })

  t.equal(response.statusCode, 200)
  t.equal(response.json().openapi, '3.0.3')
})

t.test('OpenAPI document describes security', async (t) => {
  const app = await build(t)

  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()

  t.same(document.components.securitySchemes.apiKey, { type: 'apiKey', in: 'query', name: 'key', description: 'The webhook secret in ?key=.' })
  t.equal(document.components.securitySchemes.bearer.scheme, 'bearer')
  t.same(document.security, [{ apiKey: [] }, { bearer: [] }, { basic: [] }])
  t.same(document.paths['/health'].get.security, [], 'health needs no secret')
  t.equal(document.paths['/v1/users/{uid}/conversations'].get.security, undefined, 'API routes use the global requirement')
})

t.test('OpenAPI document lists every route', async (t) => {
  const app = await build(t)

  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()

  t.same(Object.keys(document.paths).sort(), [
    '/health',
    '/metrics',
    '/ready',
    '/v1/users/{uid}',
    '/v1/users/{uid}/audio',
    '/v1/users/{uid}/audio/spans',
    '/v1/users/{uid}/conversations',
    '/v1/users/{uid}/conversations/{id}',
    '/v1/users/{uid}/conversations/{id}/transcript',
    '/v1/users/{uid}/day-summaries',
    '/v1/users/{uid}/events',
    '/v1/users/{uid}/transcripts',
    '/webhook'
  ])
})

t.test('OpenAPI document describes payloads', async (t) => {
  const app = await build(t)

  const { paths } = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()

  const webhookBody = paths['/webhook'].post.requestBody.content['application/json'].schema
  t.equal(webhookBody.oneOf.length, 12, 'every event variant')
  t.same(webhookBody.discriminator, { propertyName: 'type' })
  const transcript = paths['/v1/users/{uid}/conversations/{id}/transcript'].get.responses['200'].content
  t.same(Object.keys(transcript).sort(), ['application/json', 'application/x-subrip', 'text/plain', 'text/vtt'])
  t.same(Object.keys(paths['/v1/users/{uid}/audio'].get.responses['200'].content), ['audio/wav'])
  const listParameters = paths['/v1/users/{uid}/conversations'].get.parameters.map((parameter: { name: string }) => parameter.name)
  t.same(listParameters.sort(), ['cursor', 'limit', 'q', 'since', 'uid', 'until'])
})

t.test('every documented route needs the secret', async (t) => {
  // Each request below is a failed authentication, so the limit must not end the loop with 429.
  const app = await build(t, testEnv(t, { AUTH_FAILURE_LIMIT: '1000' }))
  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  const publicPaths = new Set(['/health', '/ready', '/openapi.json'])

  for (const [path, operations] of Object.entries(document.paths as Record<string, object>)) {
    if (publicPaths.has(path)) continue
    for (const method of Object.keys(operations)) {
      const url = path.replaceAll(/\{[^}]+\}/g, 'x')
      const response = await app.inject({ method: method.toUpperCase() as 'GET', url })

      t.equal(response.statusCode, 401, `${method.toUpperCase()} ${path}`)
    }
  }
})
