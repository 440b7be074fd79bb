import { randomUUID } from 'node:crypto'
import { LogController, type FastifyServerOptions, type FastifyRequest } from 'fastify'
import type { Config } from './config.js'
import { splitList } from './config.js'
import { parseQuery } from './webhook/query.js'
import { formatSchemaErrors } from './validation.js'

/** Destination of log lines in place of stdout: any object with `write(line)`, which pino accepts. */
export interface LogStream {
  write: (line: string) => void
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Query parameters and headers whose values never reach the log. */
const SECRET_QUERY_PARAMETERS = /([?&](?:key|token|secret)=)[^&?#]*/gi
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-omi-signature"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-omi-signature"]'
]

/**
 * Builds the options of the Fastify instance. The process entry and the
 * tests both use them, so tests exercise the production settings.
 */
export function serverOptions (config: Config, logStream?: LogStream): FastifyServerOptions {
  return {
    logger: loggerOptions(config, logStream),
    // The app writes one line per request itself, with the fields operators need.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    // Fastify accepts a hop count at run time, but its types omit numbers.
    trustProxy: parseTrustProxy(config.TRUST_PROXY) as FastifyServerOptions['trustProxy'],
    bodyLimit: config.JSON_BODY_LIMIT,
    routerOptions: { querystringParser: parseQuery },
    ajv: { customOptions: { discriminator: true } },
    schemaErrorFormatter: formatSchemaErrors,
    return503OnClosing: true
  }
}

/** Builds the logger options. `logStream`, when given, receives the JSON lines in place of stdout. */
function loggerOptions (config: Config, logStream?: LogStream): FastifyServerOptions['logger'] {
  const pretty = logStream === undefined &&
    (config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && process.stdout.isTTY === true))
  return {
    level: config.LOG_LEVEL,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: redactUrl(request.url),
        remoteAddress: request.ip
      })
    },
    ...(logStream === undefined ? {} : { stream: logStream }),
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard', ignore: 'pid,hostname' } } } : {})
  }
}

/** Replaces the values of secret-bearing query parameters in a URL. */
export function redactUrl (url: string): string {
  return url.replace(SECRET_QUERY_PARAMETERS, '$1[redacted]')
}

/** Reads TRUST_PROXY: false, true, a hop count, or a list of addresses and CIDR ranges. */
export function parseTrustProxy (value: string): boolean | number | string[] {
  const trimmed = value.trim().toLowerCase()
  if (trimmed === '' || trimmed === 'false') return false
  if (trimmed === 'true') return true
  if (/^\d+$/.test(trimmed)) return Number(trimmed)
  return splitList(value)
}
