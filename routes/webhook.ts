import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { Type } from '@sinclair/typebox'
import createError from '@fastify/error'
import { ErrorReply, Uid, UID_PATTERN } from '../src/schemas/common.js'
import { WebhookEvent, type EventOf } from '../src/schemas/events.js'
import { recogniseDelivery, wrappedBodyPath } from '../src/webhook/recognise.js'
import { verifySignature } from '../src/webhook/signature.js'
import { webhookValidatorCompiler } from '../src/webhook/validator.js'
import { parseJsonBody } from '../src/webhook/json-body.js'
import { recordRejection, writeDelivery } from '../src/storage/deliveries.js'
import { splitList } from '../src/config.js'
import type { EventHandler } from '../src/webhook/handlers.js'
import { DeliveryState } from '../src/webhook/delivery-state.js'
import families from './families/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    addEventHandler: <T extends WebhookEvent['type']>(type: T, handler: EventHandler<EventOf<T>>) => void
  }
  interface FastifyRequest {
    rawBody?: Buffer
    delivery?: DeliveryState
  }
}

export const MissingUidError = createError('OMI_MISSING_UID', 'querystring/uid is required: add ?uid=<Omi user id> to the URL', 400)
export const InvalidUidError = createError('OMI_INVALID_UID', 'querystring/uid must be letters, digits, "_" or "-", 1 to 128 characters', 400)
export const UidNotAllowedError = createError('OMI_UID_NOT_ALLOWED', 'Deliveries for this uid are not accepted here (ALLOWED_UIDS)', 403)
export const MissingSampleRateError = createError('OMI_MISSING_SAMPLE_RATE',
  'querystring/sample_rate is required for application/octet-stream audio: add ?sample_rate=16000 (1000 to 192000)', 400)
export const InvalidSignatureError = createError('OMI_INVALID_SIGNATURE', '%s', 401)

const UID_REGEXP = new RegExp(UID_PATTERN)
const IDEMPOTENCY_HEADERS = ['idempotency-key', 'x-omi-idempotency-key', 'x-omi-delivery'] as const

const WebhookQuery = Type.Object({
  uid: Uid,
  key: Type.Optional(Type.String()),
  sample_rate: Type.Optional(Type.Integer({ minimum: 1000, maximum: 192000, description: 'Sample rate of raw audio, in Hz.' })),
  session_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Session of a bare array of live segments.' }))
})

const WebhookHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  'x-omi-idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  'x-omi-delivery': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  'x-omi-event': Type.Optional(Type.String())
})

const StoredReply = Type.Object({
  status: Type.Union([Type.Literal('stored'), Type.Literal('updated'), Type.Literal('duplicate')]),
  type: Type.String(),
  id: Type.Optional(Type.String()),
  count: Type.Optional(Type.Integer())
}, { description: 'The delivery is committed to disk. It never has a "message" field, which Omi would show as a notification.' })

const PongReply = Type.Object({ message: Type.Literal('pong') })

/**
 * POST /webhook: recognises each delivery (typed envelope or a real Omi
 * body), validates it against the one event union and hands it to the
 * family plugin registered for its type.
 */
const webhookRoutes: FastifyPluginAsyncTypebox = async function (app) {
  const handlers = new Map<string, EventHandler<never>>()
  const allowedUids = new Set(splitList(app.config.ALLOWED_UIDS))

  app.decorate('addEventHandler', function addEventHandler (type, handler) {
    handlers.set(type, handler as EventHandler<never>)
  })

  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: app.config.JSON_BODY_LIMIT }, parseJsonBody)
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: app.config.AUDIO_BODY_LIMIT },
    (_request, body, done) => { done(null, body) })

  await app.register(families)

  app.route({
    method: 'POST',
    url: '/webhook',
    validatorCompiler: webhookValidatorCompiler(),
    // Every reply is an object the service builds itself, so it needs no
    // filtering by the schema, and the union in the 200 schema would make
    // the default serializer try each branch in turn.
    serializerCompiler: () => (data) => JSON.stringify(data),
    schema: {
      summary: 'Receive a webhook delivery',
      description: 'Accepts the typed JSON envelope and the bodies the Omi backend sends: conversations, live transcripts, ' +
        'day summaries and button events as JSON, and raw PCM audio as application/octet-stream with ?sample_rate=.',
      querystring: WebhookQuery,
      headers: WebhookHeaders,
      body: { content: { 'application/json': { schema: WebhookEvent } } },
      response: {
        200: Type.Union([StoredReply, PongReply]),
        400: ErrorReply,
        401: ErrorReply,
        403: ErrorReply,
        413: ErrorReply,
        415: ErrorReply,
        429: ErrorReply,
        500: ErrorReply,
        503: ErrorReply
      }
    },
    onRequest: synchronousHook((request) => {
      request.delivery = startDelivery(request, allowedUids)
    }),
    preValidation: synchronousHook((request) => {
      request.body = recogniseRequest(request, app.signingSecrets)
    }),
    handler: (request, reply) => {
      const event = request.body as WebhookEvent
      const delivery = request.delivery as DeliveryState
      const handler = handlers.get(event.type) as EventHandler<typeof event>

      const result = handler(event, delivery)
      if ('reply' in result) {
        delivery.outcome = 'replied'
        reply.code(200).send(result.reply as { message: 'pong' })
        return
      }

      writeDelivery(app.storage, event.type, delivery, result).then((stored) => {
        delivery.outcome = stored.outcome
        reply.code(200).send({ status: stored.outcome, type: event.type, id: stored.id, count: stored.count })
      }, (error: Error) => (reply as FastifyReply).send(error))
        /* c8 ignore next: sending a reply does not throw, but an unhandled rejection would stop the process. */
        .catch((error: unknown) => request.log.error({ err: error }, 'failed to send the reply to a delivery'))
    },
    onResponse: (request, reply, done) => {
      const delivery = request.delivery
      if (delivery === undefined) return done()

      if (delivery.outcome === 'pending') delivery.outcome = 'rejected'
      request.log.info({
        uid: delivery.uid,
        event: delivery.type,
        size: delivery.size,
        outcome: delivery.outcome,
        duplicate: delivery.outcome === 'duplicate',
        statusCode: reply.statusCode,
        error: delivery.error,
        remoteAddress: request.ip,
        durationMs: reply.elapsedTime
      }, 'delivery')

      if (reply.statusCode >= 400 && reply.statusCode !== 401 && reply.statusCode !== 429) {
        app.storage.write((db) => recordRejection(db, delivery.type, delivery, reply.statusCode))
          .catch((error: unknown) => request.log.error({ err: error }, 'failed to record a rejected delivery'))
      }
      done()
    }
  })
}

/**
 * Wraps a step that may throw as a callback-style hook, which skips the
 * promise an async hook costs. done() stays outside the try, so an error
 * thrown by a later step is not reported a second time.
 */
function synchronousHook (step: (request: FastifyRequest) => void) {
  return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    try {
      step(request)
    } catch (error) {
      done(error as Error)
      return
    }
    done()
  }
}

/** Checks the signature and turns the body into an event of the union, which validation then checks. */
function recogniseRequest (request: FastifyRequest, signingSecrets: string[]): WebhookEvent {
  const delivery = request.delivery as DeliveryState
  const isRawAudio = Buffer.isBuffer(request.body)
  delivery.size = isRawAudio ? (request.body as Buffer).length : request.rawBody?.length ?? 0

  if (signingSecrets.length > 0) {
    const signed = isRawAudio ? request.body as Buffer : request.rawBody ?? Buffer.alloc(0)
    const check = verifySignature(request.headers['x-omi-signature'] as string | undefined, signingSecrets, delivery.uid, signed)
    if (!check.valid) throw new InvalidSignatureError(check.reason)
  }

  const query = request.query as { sample_rate?: string, session_id?: string }
  if (isRawAudio && query.sample_rate === undefined) throw new MissingSampleRateError()

  const event = recogniseDelivery({
    body: request.body,
    isRawAudio,
    omiEvent: request.headers['x-omi-event'] as string | undefined,
    sessionId: query.session_id,
    sampleRate: query.sample_rate === undefined ? undefined : Number(query.sample_rate)
  })
  delivery.type = event.type
  delivery.bodyPath = wrappedBodyPath(request.body, event)
  return event as WebhookEvent
}

function startDelivery (request: FastifyRequest, allowedUids: Set<string>): DeliveryState {
  const uid = (request.query as { uid?: unknown }).uid
  if (uid === undefined || uid === '') throw new MissingUidError()
  if (typeof uid !== 'string' || !UID_REGEXP.test(uid)) throw new InvalidUidError()
  if (allowedUids.size > 0 && !allowedUids.has(uid)) throw new UidNotAllowedError()

  const lengthHeader = Number(request.headers['content-length'])
  const type = String(request.headers['x-omi-event'] ?? 'unknown')
  return new DeliveryState(uid, String(request.id), idempotencyKey(request), type, Number.isSafeInteger(lengthHeader) ? lengthHeader : 0)
}

function idempotencyKey (request: FastifyRequest): string | undefined {
  for (const name of IDEMPOTENCY_HEADERS) {
    const value = request.headers[name]
    if (typeof value === 'string' && value !== '') return value
  }
  return undefined
}

export default webhookRoutes
