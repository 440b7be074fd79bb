import fp from 'fastify-plugin'
import configPlugin from '../plugins/config.js'
import errorsPlugin from '../plugins/errors.js'
import authPlugin from '../plugins/auth.js'
import storagePlugin from '../plugins/storage.js'
import openapiPlugin from '../plugins/openapi.js'
import metricsPlugin from '../plugins/metrics.js'
import retentionPlugin from '../plugins/retention.js'
import healthRoutes from '../routes/health.js'
import webhookRoutes from '../routes/webhook.js'
import apiRoutes from '../routes/api/index.js'
import type { Environment } from './config.js'
import { redactUrl } from './server-options.js'

export interface AppOptions {
  /** Environment to read the configuration from; the process entry passes process.env. */
  env?: Environment
}

/**
 * The whole service as one plugin. Order matters: configuration first, then
 * the error handler and the auth hook, so both cover every route after them.
 */
export default fp<AppOptions>(async function app (app, opts) {
  await app.register(configPlugin, { env: opts.env })
  await app.register(errorsPlugin)
  await app.register(authPlugin)
  await app.register(storagePlugin)
  await app.register(openapiPlugin)
  await app.register(metricsPlugin)
  await app.register(retentionPlugin)

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
  app.addHook('onResponse', (request, reply, done) => {
    if (request.delivery === undefined) {
      request.log.info({
        method: request.method,
        url: redactUrl(request.url),
        statusCode: reply.statusCode,
        remoteAddress: request.ip,
        durationMs: reply.elapsedTime
      }, 'request')
    }
    done()
  })

  await app.register(healthRoutes)
  await app.register(webhookRoutes)
  await app.register(apiRoutes)
}, { fastify: '5.x', name: 'omi-webhook' })
