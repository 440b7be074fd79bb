import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_TOLERANCE_SECONDS = 300

export type SignatureCheck =
  | { valid: true }
  | { valid: false, reason: string }

/**
 * Verifies an `X-Omi-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]` header.
 * Each `v1` is HMAC-SHA256 keyed with the whole secret string over
 * `"<t>.<uid>."` followed by the exact body bytes. Any listed `v1` that
 * matches any of `secrets` is accepted; other keys in the header are ignored.
 */
export function verifySignature (
  header: string | undefined,
  secrets: string[],
  uid: string,
  body: Buffer,
  nowSeconds = Math.floor(Date.now() / 1000)
): SignatureCheck {
  if (header === undefined || header === '') return { valid: false, reason: 'X-Omi-Signature header is missing' }

  const { timestamp, signatures } = parseSignatureHeader(header)
  if (timestamp === undefined) return { valid: false, reason: 'X-Omi-Signature has no valid t= timestamp' }
  if (signatures.length === 0) return { valid: false, reason: 'X-Omi-Signature has no v1= signature' }
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS) {
    return { valid: false, reason: `X-Omi-Signature timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} s from the server's clock` }
  }

  const expected = secrets.map((secret) => computeSignature(secret, timestamp, uid, body))
  let matched = false
  for (const given of signatures) {
    for (const candidate of expected) {
      // Every pair is compared, so the time taken does not reveal which matched.
      if (given.length === candidate.length && timingSafeEqual(given, candidate)) matched = true
    }
  }
  return matched ? { valid: true } : { valid: false, reason: 'X-Omi-Signature does not match the body' }
}

export function computeSignature (secret: string, timestamp: number, uid: string, body: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.${uid}.`).update(body).digest()
}

function parseSignatureHeader (header: string): { timestamp?: number, signatures: Buffer[] } {
  let timestamp: number | undefined
  const signatures: Buffer[] = []

  for (const part of header.split(',')) {
    const separator = part.indexOf('=')
    const name = part.slice(0, separator).trim()
    const value = part.slice(separator + 1).trim()
    if (name === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value)
    if (name === 'v1' && /^[0-9a-fA-F]{64}$/.test(value)) signatures.push(Buffer.from(value, 'hex'))
  }

  return { timestamp, signatures }
}
