import { errorCodes, type FastifyRequest } from 'fastify'
import createError from '@fastify/error'
import secureJson from 'secure-json-parse'

export const InvalidUtf8Error = createError('OMI_INVALID_UTF8', 'The body is not valid UTF-8', 400)
export const InvalidJsonError = createError('OMI_INVALID_JSON', 'The body is not valid JSON: %s', 400)

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Parses a JSON body and keeps its exact bytes on `request.rawBody`, which
 * signature checks need. Like Fastify's own parser, it rejects
 * `__proto__` and `constructor.prototype` keys.
 */
export function parseJsonBody (request: FastifyRequest, body: Buffer | string, done: (error: Error | null, value?: unknown) => void): void {
  const bytes = body as Buffer
  request.rawBody = bytes
  if (bytes.length === 0) {
    done(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY())
    return
  }

  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    done(new InvalidUtf8Error())
    return
  }

  try {
    done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }))
  } catch (error) {
    done(new InvalidJsonError((error as Error).message))
  }
}
