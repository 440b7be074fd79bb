import Fastify from 'fastify'

/**
 * The baseline for the benchmark: one Fastify route that parses the same
 * bodies as the service (JSON, or raw audio as a Buffer) and stores nothing.
 */
const MiB = 1024 * 1024
const app = Fastify({ logger: false, bodyLimit: 16 * MiB })

app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: 8 * MiB },
  (_request, body, done) => { done(null, body) })

app.post('/webhook', async (request) => {
  const size = Buffer.isBuffer(request.body) ? request.body.length : 1
  return { status: 'stored', type: 'bare', count: size }
})

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
process.stdout.write('listening\n')
