import fp from 'fastify-plugin'
import fastifyEnv from '@fastify/env'
import { ConfigSchema, splitList, type Config, type Environment } from '../src/config.js'
import { resolveSecret, type ResolvedSecret } from '../src/secret.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    webhookSecret: ResolvedSecret
    signingSecrets: string[]
  }
}

export interface ConfigPluginOptions {
  env?: Environment
}

/**
 * Decorates the instance with the validated configuration, the webhook
 * secret (configured, saved or newly generated) and the signing secrets.
 */
export default fp<ConfigPluginOptions>(async function configPlugin (app, opts) {
  await app.register(fastifyEnv, {
    schema: structuredClone(ConfigSchema),
    data: opts.env ?? process.env,
    env: false
  })

  app.decorate('webhookSecret', resolveSecret(app.config.WEBHOOK_SECRET, app.config.DATA_DIR))
  app.decorate('signingSecrets', splitList(app.config.OMI_SIGNING_SECRET ?? ''))
}, { fastify: '5.x', name: 'config' })
