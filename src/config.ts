import { Type, type Static } from '@sinclair/typebox'
import envSchema from 'env-schema'
import { existsSync } from 'node:fs'

const MiB = 1024 * 1024

export const ConfigSchema = Type.Object({
  WEBHOOK_SECRET: Type.Optional(Type.String({
    minLength: 16,
    description: 'Shared secret of at least 16 characters. When unset, one is generated and saved in DATA_DIR.'
  })),
  OMI_SIGNING_SECRET: Type.Optional(Type.String({
    minLength: 1,
    description: 'Omi signing secret (whsec_...), or several separated by commas during a rotation. When set, every delivery must carry a valid X-Omi-Signature.'
  })),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 32768 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace'].map((level) => Type.Literal(level)),
    { default: 'info', description: 'one of fatal, error, warn, info, debug, trace.' }
  ),
  LOG_FORMAT: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], {
    default: 'auto',
    description: 'json, pretty, or auto (pretty when stdout is a terminal).'
  }),
  JSON_BODY_LIMIT: Type.Integer({ minimum: 1024, default: 16 * MiB, description: 'Largest JSON body, in bytes.' }),
  AUDIO_BODY_LIMIT: Type.Integer({ minimum: 1024, default: 8 * MiB, description: 'Largest raw audio body, in bytes.' }),
  TRUST_PROXY: Type.String({
    default: 'false',
    description: 'false, true, a hop count, or a comma-separated list of addresses and CIDR ranges.'
  }),
  ALLOWED_UIDS: Type.String({ default: '', description: 'Comma-separated uids allowed to deliver; empty allows any.' }),
  AUTH_FAILURE_LIMIT: Type.Integer({ minimum: 1, default: 10, description: 'Failed authentications per client address per minute before 429.' }),
  AUDIO_RETENTION_DAYS: Type.Integer({ minimum: 0, default: 0, description: 'Delete audio older than this many days; 0 keeps it forever.' }),
  DATA_RETENTION_DAYS: Type.Integer({ minimum: 0, default: 0, description: 'Delete delivery log, transcripts and summaries older than this many days; 0 keeps them forever.' }),
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, default: 10000, description: 'Time allowed for requests in flight on shutdown, in milliseconds.' })
})

export type Config = Static<typeof ConfigSchema>

export type Environment = Record<string, string | undefined>

/** Validates the configuration in `env`. Throws a ConfigError naming the variable. */
export function loadConfig (env: Environment = process.env): Config {
  try {
    return envSchema<Config>({ schema: structuredClone(ConfigSchema), data: env, env: false })
  } catch (error) {
    throw new ConfigError(describeEnvError(error as Error))
  }
}

/**
 * Reads `.env` if the working folder has one, validates the configuration,
 * and exits with a message naming the variable if it is invalid. Variables
 * already set in the environment win over those in `.env`.
 */
export function readConfigOrExit (): Config {
  if (existsSync('.env')) process.loadEnvFile('.env')

  try {
    return loadConfig(process.env)
  } catch (error) {
    /* c8 ignore next: loadConfig wraps every error in a ConfigError; this guards a future change. */
    if (!(error instanceof ConfigError)) throw error
    process.stderr.write(`omi-webhook: configuration error: ${error.message}\n`)
    process.exit(1)
  }
}

export class ConfigError extends Error {
  name = 'ConfigError'
}

/** Rewrites Ajv's `/PORT must be <= 65535` into `Invalid PORT: must be <= 65535`. */
export function describeEnvError (error: Error): string {
  const details = (error as Error & { errors?: Array<{ instancePath: string, keyword?: string, message?: string, params?: Record<string, unknown> }> }).errors
  if (details === undefined) return error.message

  // A value outside a union of literals fails every literal and then the anyOf.
  // Only the anyOf error is reported, and the hint lists the accepted values.
  const messages = details.filter((detail) => detail.keyword !== 'const').map((detail) => {
    const name = detail.instancePath.replace(/^\//, '') || String(detail.params?.additionalProperty ?? detail.params?.missingProperty ?? 'configuration')
    const hint = describeVariable(name)
    const message = detail.keyword === 'anyOf' ? 'is not an accepted value' : detail.message ?? 'invalid value'
    return `Invalid ${name}: ${message}${hint === '' ? '' : ` (expected ${hint})`}`
  })
  return [...new Set(messages)].join('; ')
}

function describeVariable (name: string): string {
  const schema = (ConfigSchema.properties as Record<string, { description?: string, type?: string }>)[name]
  if (schema === undefined) return ''
  if (schema.description !== undefined) return schema.description.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase())
  if (schema.type === 'integer') return 'a whole number'
  return ''
}

export function splitList (value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '')
}
