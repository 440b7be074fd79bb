import { Ajv } from 'ajv'
import type { FastifySchemaCompiler } from 'fastify'

/**
 * Builds the schema compiler of the webhook route. Bodies are validated
 * without type coercion, so a stored body keeps the JSON types the client
 * sent, where Fastify's default Ajv would turn 5 into "5" or "1.5" into 1.5.
 * The query string and headers are text, so they keep Fastify's coercion.
 */
export function webhookValidatorCompiler (): FastifySchemaCompiler<unknown> {
  const shared = { allErrors: false, strict: false } as const
  const bodyAjv = new Ajv({ ...shared, coerceTypes: false, useDefaults: false, discriminator: true })
  const textAjv = new Ajv({ ...shared, coerceTypes: 'array', useDefaults: true, removeAdditional: true })

  return ({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object)
}
