import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { DaySummary, ERROR_REPLIES, Page, PageQuery, UserParams } from '../../src/schemas/api.js'
import { listDaySummaries } from '../../src/storage/queries/events.js'

/** Day summaries as Omi sent them. */
const daySummaryRoutes: FastifyPluginAsyncTypebox = async function (app) {
  app.get('/v1/users/:uid/day-summaries', {
    schema: {
      summary: 'List day summaries',
      description: 'Newest first, in order of arrival.',
      params: UserParams,
      querystring: Type.Object({ ...PageQuery }),
      response: { 200: Page(DaySummary), ...ERROR_REPLIES }
    }
  }, async (request) => {
    return listDaySummaries(app.storage.db, request.params.uid, request.query.limit, request.query.cursor)
  })
}

export default daySummaryRoutes
