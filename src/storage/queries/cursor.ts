import createError from '@fastify/error'

export const InvalidCursorError = createError('OMI_INVALID_CURSOR',
  'querystring/cursor is not a cursor of this list; pass the next_cursor of the previous page unchanged, with the same filters', 400)

export type CursorKey = Array<string | number>

/** Encodes the sort key of the last item of a page as an opaque string. */
export function encodeCursor (key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/**
 * Decodes a cursor made by encodeCursor and checks it against `types`, the
 * type of each part of the sort key. Throws InvalidCursorError otherwise.
 */
export function decodeCursor (cursor: string, types: Array<'string' | 'number'>): CursorKey {
  let key: unknown
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw new InvalidCursorError()
  }

  const valid = Array.isArray(key) && key.length === types.length && key.every((part, index) => typeof part === types[index])
  if (!valid) throw new InvalidCursorError()
  return key as CursorKey
}

/** A page of a list: at most `limit` items, and the cursor after the last one, or null on the last page. */
export interface Page<T> {
  items: T[]
  next_cursor: string | null
}

/**
 * Builds a page from up to `limit + 1` rows fetched in order: the extra row
 * only shows that another page exists.
 */
export function toPage<R, T> (rows: R[], limit: number, keyOf: (row: R) => CursorKey, toItem: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit
  const pageRows = hasMore ? rows.slice(0, limit) : rows
  return {
    items: pageRows.map(toItem),
    next_cursor: hasMore ? encodeCursor(keyOf(pageRows[pageRows.length - 1])) : null
  }
}
