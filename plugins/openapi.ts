import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'

/**
 * Collects the schema of every route registered after it into an OpenAPI
 * 3.0 document, so it must be registered before the routes. Routes marked
 * public are documented without a security requirement.
 */
export default fp(async function openapiPlugin (app) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'omi-webhook',
        description: 'Receives Omi webhooks and gives each user their stored conversations, transcripts, audio and summaries back.',
        version: '1'
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'query', name: 'key', description: 'The webhook secret in ?key=.' },
          bearer: { type: 'http', scheme: 'bearer', description: 'The webhook secret as a bearer token.' },
          basic: { type: 'http', scheme: 'basic', description: 'Any user name, with the webhook secret as password.' }
        }
      },
      security: [{ apiKey: [] }, { bearer: [] }, { basic: [] }]
    },
    transform: ({ schema, url, route }) => {
      if (route.config?.public !== true) return { schema, url }
      return { schema: { ...schema, security: [] }, url }
    }
  })
}, { fastify: '5.x', name: 'openapi' })
