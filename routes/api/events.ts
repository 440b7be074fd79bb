import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { DeliveryEvent, ERROR_REPLIES, Page, PageQuery, UserParams } from '../../src/schemas/api.js'
import { listDeliveries } from '../../src/storage/queries/events.js'

const EventsQuery = Type.Object({
  ...PageQuery,
  type: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only deliveries of this event type, such as memory_created.' }))
})

/** The delivery log: one entry per webhook delivery, stored or rejected. */
const eventRoutes: FastifyPluginAsyncTypebox = async function (app) {
  app.get('/v1/users/:uid/events', {
    schema: {
      summary: 'List webhook deliveries',
      description: 'Newest first. Deliveries rejected before their uid was authenticated are not logged.',
      params: UserParams,
      querystring: EventsQuery,
      response: { 200: Page(DeliveryEvent), ...ERROR_REPLIES }
    }
  }, async (request) => {
    const { type, limit, cursor } = request.query
    return listDeliveries(app.storage.db, request.params.uid, type, limit, cursor)
  })
}

export default eventRoutes
