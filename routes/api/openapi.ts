import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'

/** Serves the OpenAPI document of the service; it needs no secret. */
const openapiRoutes: FastifyPluginAsyncTypebox = async function (app) {
  app.get('/openapi.json', {
    config: { public: true },
    schema: {
      hide: true,
      response: { 200: Type.Object({}, { additionalProperties: true }) }
    }
  }, async () => app.swagger())
}

export default openapiRoutes
