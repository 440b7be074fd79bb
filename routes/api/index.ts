import type { FastifyPluginAsync } from 'fastify'
import conversationRoutes from './conversations.js'
import transcriptRoutes from './transcripts.js'
import audioRoutes from './audio.js'
import daySummaryRoutes from './day-summaries.js'
import eventRoutes from './events.js'
import userRoutes from './users.js'
import openapiRoutes from './openapi.js'

/**
 * The read API under /v1/users/:uid and the OpenAPI document. Every API
 * route needs the webhook secret, which the auth plugin checks, and
 * each resource is its own plugin.
 */
const apiRoutes: FastifyPluginAsync = async function (app) {
  await app.register(conversationRoutes)
  await app.register(transcriptRoutes)
  await app.register(audioRoutes)
  await app.register(daySummaryRoutes)
  await app.register(eventRoutes)
  await app.register(userRoutes)
  await app.register(openapiRoutes)
}

export default apiRoutes
