import type { FastifySchemaValidationError } from 'fastify/types/schema.js'
import { PATTERN_NAMES } from './schemas/common.js'
import { EVENT_TYPES } from './schemas/events.js'

/**
 * Builds one validation message per error: the field's path and what was
 * expected, in words rather than regular expressions or Ajv's union jargon.
 */
export function formatSchemaErrors (errors: FastifySchemaValidationError[], dataVar: string): Error {
  const choices = collectChoices(errors)
  const messages = errors.flatMap((error) => {
    const path = error.instancePath
    const allowed = choices.get(path)
    if (allowed === undefined) return [describeError(error, dataVar)]
    if (error.keyword !== 'const') return []
    return [`${dataVar}${path} must be one of: ${allowed.join(', ')}`]
  })
  return new Error([...new Set(messages)].join('; '))
}

/**
 * Gathers the allowed values of a union of literals (an anyOf of consts),
 * per field, so the message lists them instead of one error per branch.
 */
function collectChoices (errors: FastifySchemaValidationError[]): Map<string, string[]> {
  const choices = new Map<string, string[]>()
  for (const error of errors) {
    if (error.keyword !== 'const') continue
    const path = error.instancePath
    const allowed = choices.get(path) ?? []
    allowed.push(String((error.params as { allowedValue?: unknown }).allowedValue))
    choices.set(path, allowed)
  }
  return choices
}

function describeError (error: FastifySchemaValidationError, dataVar: string): string {
  const path = dataVar + (error.instancePath ?? '')
  const params = error.params as Record<string, unknown>

  if (error.keyword === 'discriminator') {
    if (params.error === 'mapping') {
      return `${path}/type "${String(params.tagValue)}" is not a known event type; expected one of: ${EVENT_TYPES.join(', ')}`
    }
    return `${path}/type must be a string naming the event; expected one of: ${EVENT_TYPES.join(', ')}`
  }
  if (error.keyword === 'required') return `${path} must have required property '${String(params.missingProperty)}'`
  if (error.keyword === 'pattern') {
    const name = PATTERN_NAMES[String(params.pattern)]
    if (name !== undefined) return `${path} must be ${name}`
  }
  return `${path} ${error.message ?? 'is invalid'}`
}
