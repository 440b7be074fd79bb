import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const SECRET_FILE = 'webhook-secret'

/** Secrets up to this many characters are compared in the same time. */
const COMPARED_WIDTH = 256

export interface ResolvedSecret {
  value: string
  source: 'environment' | 'generated' | 'file'
  path?: string
}

/**
 * Returns the configured secret, or the one saved in `dataDir`, or a new one
 * saved there with mode 0600 on first start.
 */
export function resolveSecret (configured: string | undefined, dataDir: string): ResolvedSecret {
  if (configured !== undefined) return { value: configured, source: 'environment' }

  const path = join(dataDir, SECRET_FILE)
  const saved = readSavedSecret(path)
  if (saved !== undefined) return { value: saved, source: 'file', path }

  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const value = randomBytes(24).toString('base64url')
  try {
    writeFileSync(path, value + '\n', { mode: 0o600, flag: 'wx' })
  } catch (error) {
    // Another process created the file first; use its secret.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return { value: readSavedSecret(path) as string, source: 'file', path }
  }
  return { value, source: 'generated', path }
}

function readSavedSecret (path: string): string | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }

  const value = text.trim()
  if (value.length < 16) throw new Error(`The secret saved in ${path} is shorter than 16 characters; delete the file to generate a new one.`)
  return value
}

/** Compares two strings in constant time with respect to their content. */
export function safeEqual (given: string, expected: string): boolean {
  return secretMatcher(expected)(given)
}

/**
 * Returns a constant-time comparison with `expected`. It compares every
 * position up to a fixed width, padding both sides with zeros, so for a
 * secret of up to 256 characters its time depends on neither the content
 * nor the length of the secret. A longer secret sets the width, so its
 * length can be timed. It needs no digest or buffer per call, which matters
 * on a path every request takes.
 */
export function secretMatcher (expected: string): (given: string) => boolean {
  const width = Math.max(expected.length, COMPARED_WIDTH)
  const codes = new Uint16Array(width)
  for (let index = 0; index < expected.length; index++) codes[index] = expected.charCodeAt(index)

  return (given) => {
    if (given.length > width) return false

    let difference = given.length ^ expected.length
    for (let index = 0; index < width; index++) {
      // charCodeAt past the end gives NaN, which `| 0` turns into the padding 0.
      difference |= (given.charCodeAt(index) | 0) ^ codes[index]
    }
    return difference === 0
  }
}
