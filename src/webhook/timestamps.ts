import createError from '@fastify/error'
import { toUtcIso } from '../schemas/common.js'

export const InvalidTimestampError = createError('OMI_INVALID_TIMESTAMP', '%s/%s is not a real date-time: %s', 400)

/**
 * Checks that timestamps which match the ISO 8601 pattern also name a real
 * instant (the pattern alone accepts 2026-13-45T99:99).
 */
export function checkTimestamps (path: string, values: Record<string, string | null | undefined>): void {
  for (const [field, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue
    try {
      toUtcIso(value)
    } catch {
      throw new InvalidTimestampError(path, field, value)
    }
  }
}
