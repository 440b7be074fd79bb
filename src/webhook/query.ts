export type QueryValue = string | string[]

/**
 * Parses a query string, treating a `?` inside it as a separator.
 *
 * Older Omi backends append `?uid=...` to a URL that already has a query, so
 * `/webhook?key=SECRET?uid=abc` must yield `key=SECRET` and `uid=abc`. A name
 * repeated with the same value collapses to one value; a name repeated with
 * different values stays an array, which the route's schema rejects.
 */
export function parseQuery (raw: string): Record<string, QueryValue> {
  const query: Record<string, QueryValue> = Object.create(null)

  const pairs = raw.includes('?') ? raw.replaceAll('?', '&').split('&') : raw.split('&')
  for (const pair of pairs) {
    if (pair === '') continue
    const separator = pair.indexOf('=')
    const name = decode(separator === -1 ? pair : pair.slice(0, separator))
    const value = separator === -1 ? '' : decode(pair.slice(separator + 1))
    addValue(query, name, value)
  }

  return query
}

function addValue (query: Record<string, QueryValue>, name: string, value: string): void {
  const existing = query[name]
  if (existing === undefined) {
    query[name] = value
  } else if (Array.isArray(existing)) {
    if (!existing.includes(value)) existing.push(value)
  } else if (existing !== value) {
    query[name] = [existing, value]
  }
}

function decode (text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text
  const spaced = text.replaceAll('+', ' ')
  try {
    return decodeURIComponent(spaced)
  } catch {
    return spaced
  }
}
