import fp from 'fastify-plugin'
import fastifyEnv from '@fastify/env'
import { ConfigSchema, splitList, type Config, type Environment } from '../src/config.js'
import { resolveSecret, type ResolvedSecret } from '../src/secret.js'
import { checkDataFolderFree } from '../src/storage/data-folder-lock.js'

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

  // A second instance must stop before it saves a generated secret in the folder of a running one.
  checkDataFolderFree(app.config.DATA_DIR)
  app.decorate('webhookSecret', resolveSecret(app.config.WEBHOOK_SECRET, app.config.DATA_DIR))
  app.decorate('signingSecrets', splitList(app.config.OMI_SIGNING_SECRET ?? ''))
}, { fastify: '5.x', name: 'config' })
