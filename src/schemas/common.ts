import { Type, type Static, type TSchema } from '@sinclair/typebox'

export const UID_PATTERN = '^[A-Za-z0-9_-]{1,128}$'

/** ISO 8601 date-time ending in `Z`, in an offset such as `+00:00`, or in nothing (read as UTC). */
export const TIMESTAMP_PATTERN = '^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})?$'

/** Plain-language names for patterns, used in validation messages in place of the regular expression. */
export const PATTERN_NAMES: Record<string, string> = {
  [UID_PATTERN]: 'letters, digits, "_" or "-", 1 to 128 characters',
  [TIMESTAMP_PATTERN]: 'an ISO 8601 date-time such as 2026-11-30T16:42:07Z'
}

export const Uid = Type.String({ pattern: UID_PATTERN, description: 'The Omi user id.' })

export const Timestamp = Type.String({ pattern: TIMESTAMP_PATTERN })

/**
 * Extends `schema` to accept null through a list of types rather than anyOf.
 * Fastify turns on Ajv's type coercion, which inside anyOf rewrites null
 * into the first branch's type ("" or false) before that branch passes.
 */
export function Nullable<T extends TSchema> (schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] })
}

export const NullableString = Nullable(Type.String())

export const ErrorReply = Type.Object({
  statusCode: Type.Integer(),
  code: Type.Optional(Type.String()),
  error: Type.String(),
  message: Type.String()
}, { $id: 'ErrorReply', description: 'An error. `message` names the field and what was expected.' })

/**
 * Converts an accepted timestamp to ISO 8601 in UTC with milliseconds, so
 * stored times sort and compare as text. A missing offset is read as UTC.
 */
export function toUtcIso (value: string): string {
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(value)
  const trimmed = value.replace(' ', 'T').replace(/(\.\d{3})\d+/, '$1')
  const time = Date.parse(hasOffset ? trimmed : trimmed + 'Z')
  if (Number.isNaN(time) || !isCalendarDate(value)) throw new RangeError(`Invalid date-time: ${value}`)
  return new Date(time).toISOString()
}

/** Checks the day of month, which Date.parse rolls over (2026-02-30 becomes March 2). */
function isCalendarDate (value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number)
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day
}
