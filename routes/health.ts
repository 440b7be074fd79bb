import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ErrorReply } from '../src/schemas/common.js'

const Status = Type.Object({ status: Type.String() })

/** Liveness and readiness checks for container runtimes and load balancers; they need no secret. */
const healthRoutes: FastifyPluginAsyncTypebox = async function (app) {
  app.get('/health', {
    config: { public: true },
    schema: { summary: 'Liveness: the process is up', response: { 200: Status } }
  }, async () => ({ status: 'ok' }))

  app.get('/ready', {
    config: { public: true },
    schema: { summary: 'Readiness: the database can be written', response: { 200: Status, 503: ErrorReply } }
  }, async (_request, reply) => {
    try {
      app.storage.checkWritable()
    } catch (error) {
      reply.log.error({ err: error }, 'readiness check failed')
      return reply.code(503).send({ statusCode: 503, code: 'OMI_NOT_READY', error: 'Service Unavailable', message: 'The database cannot be written' })
    }
    return { status: 'ready' }
  })
}

export default healthRoutes
