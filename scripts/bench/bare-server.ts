import { createBareApp, listen } from './bare-app.js'

/**
 * The baseline for the benchmark: one Fastify route that parses the same
 * bodies as the service (JSON, or raw audio as a Buffer) and stores nothing.
 */
const app = createBareApp()

app.post('/webhook', async (request) => {
  const size = Buffer.isBuffer(request.body) ? request.body.length : 1
  return { status: 'stored', type: 'bare', count: size }
})

await listen(app)
