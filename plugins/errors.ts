import fp from 'fastify-plugin'
import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'

const CLIENT_MESSAGES: Record<string, (request: FastifyRequest, limits: Limits) => string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (request) =>
    `Content-Type ${String(request.headers['content-type'] ?? '(none)')} is not accepted; send application/json, or application/octet-stream for audio`,
  FST_ERR_CTP_BODY_TOO_LARGE: (request, limits) => describeTooLarge(request, limits),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => 'The body is empty; send a JSON object',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => 'Content-Length does not match the size of the body'
}

interface Limits {
  json: number
  audio: number
}

/**
 * One error handler for the whole app: 4xx errors reach the client with a
 * message and stable code; 5xx errors are logged with their stack and the
 * client sees only the request id.
 */
export default fp(async function errorsPlugin (app) {
  const limits = { json: app.config.JSON_BODY_LIMIT, audio: app.config.AUDIO_BODY_LIMIT }

  app.setErrorHandler(function handleError (error: FastifyError, request, reply) {
    const statusCode = error.statusCode ?? 500
    if (statusCode >= 500) return sendServerError(error, request, reply)

    const describe = CLIENT_MESSAGES[error.code]
    const message = describe === undefined ? error.message : describe(request, limits)
    const clientMessage = nameFieldsAsSent(message, request.delivery?.bodyPath)
    request.log.debug({ code: error.code, statusCode }, clientMessage)
    if (request.delivery !== undefined) request.delivery.error = error.code
    return reply.code(statusCode).send({
      statusCode,
      code: error.validation === undefined ? error.code : 'FST_ERR_VALIDATION',
      error: httpReason(statusCode),
      message: clientMessage
    })
  })

  app.setNotFoundHandler(function handleNotFound (request, reply) {
    return reply.code(404).send({
      statusCode: 404,
      code: 'OMI_ROUTE_NOT_FOUND',
      error: 'Not Found',
      message: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]} is not a route of this service`
    })
  })
}, { fastify: '5.x', name: 'errors', dependencies: ['config'] })

/**
 * Rewrites field paths of a bare Omi body, which the service validates
 * inside an event (`body/memory/id`), into the paths the client sent (`body/id`).
 */
function nameFieldsAsSent (message: string, bodyPath: string | undefined): string {
  if (bodyPath === undefined) return message
  return message.replaceAll(`body${bodyPath}/`, 'body/').replaceAll(`body${bodyPath} `, 'body ')
}

function sendServerError (error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  request.log.error({ err: error, method: request.method, route: request.routeOptions.url, params: request.params }, 'request failed')
  const statusCode = error.statusCode === 503 ? 503 : 500
  return reply.code(statusCode).send({
    statusCode,
    code: 'OMI_INTERNAL',
    error: httpReason(statusCode),
    message: `The service could not process this request; its log has the details under request id ${request.id}`
  })
}

function describeTooLarge (request: FastifyRequest, limits: Limits): string {
  /* c8 ignore next: only a parser checks the size, and Fastify picks one only for a request with a Content-Type. */
  const isAudio = String(request.headers['content-type'] ?? '').startsWith('application/octet-stream')
  const limit = isAudio ? limits.audio : limits.json
  const variable = isAudio ? 'AUDIO_BODY_LIMIT' : 'JSON_BODY_LIMIT'
  return `The body is larger than the limit of ${limit} bytes (${variable})`
}

function httpReason (statusCode: number): string {
  return STATUS_CODES[statusCode] ?? 'Error'
}
