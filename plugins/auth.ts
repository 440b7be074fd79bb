import fp from 'fastify-plugin'
import createError from '@fastify/error'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { secretMatcher } from '../src/secret.js'
import { FailureCounter } from '../src/failure-counter.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Routes marked public need no secret (health checks, the OpenAPI document). */
    public?: boolean
  }
}

export const MissingSecretError = createError('OMI_MISSING_SECRET',
  'A secret is required: add ?key=<secret>, or send Authorization: Bearer <secret> or Basic with the secret as password', 401)
export const WrongSecretError = createError('OMI_WRONG_SECRET', 'The secret does not match', 401)
export const TooManyFailuresError = createError('OMI_TOO_MANY_AUTH_FAILURES',
  'Too many failed authentications from this address; retry after %d seconds', 429)

const FAILURE_WINDOW_MS = 60_000

/**
 * Checks the webhook secret in an onRequest hook, before any body is read.
 * The hook is added to every route not marked public as the route is
 * declared, so a request pays for no lookup of its route's config. Unknown
 * routes return 404 without a secret and never count as failures.
 * Addresses with too many recent failures get 429 until their window ends.
 */
export default fp(async function authPlugin (app) {
  const matchesSecret = secretMatcher(app.webhookSecret.value)
  const failures = new FailureCounter(app.config.AUTH_FAILURE_LIMIT, FAILURE_WINDOW_MS)

  function checkSecret (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const retryAfterMs = failures.blockedFor(request.ip)
    if (retryAfterMs > 0) {
      const seconds = Math.ceil(retryAfterMs / 1000)
      reply.header('retry-after', String(seconds))
      done(new TooManyFailuresError(seconds))
      return
    }

    const presented = presentedSecret(request)
    if (presented !== undefined && matchesSecret(presented)) {
      done()
      return
    }
    failures.record(request.ip)
    done(presented === undefined ? new MissingSecretError() : new WrongSecretError())
  }

  app.addHook('onRoute', (routeOptions) => {
    if (routeOptions.config?.public === true) return
    const existing = routeOptions.onRequest ?? []
    routeOptions.onRequest = [checkSecret, ...(Array.isArray(existing) ? existing : [existing])]
  })
}, { fastify: '5.x', name: 'auth', dependencies: ['config'] })

/** Reads the secret from `?key=`, `Authorization: Bearer`, or the password of `Authorization: Basic`. */
export function presentedSecret (request: FastifyRequest): string | undefined {
  const key = (request.query as Record<string, unknown> | undefined)?.key
  if (typeof key === 'string' && key !== '') return key

  const authorization = request.headers.authorization
  if (authorization === undefined) return undefined

  const [scheme, credentials = ''] = authorization.trim().split(/\s+/, 2)
  if (/^bearer$/i.test(scheme)) return credentials === '' ? undefined : credentials
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8')
    const separator = decoded.indexOf(':')
    return separator === -1 ? undefined : decoded.slice(separator + 1)
  }
  return undefined
}
