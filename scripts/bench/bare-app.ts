import Fastify, { type FastifyInstance } from 'fastify'

const MiB = 1024 * 1024

/**
 * Creates a Fastify app without a logger that parses the same bodies as the
 * service (JSON, or raw audio as a Buffer), for the benchmark's baseline
 * servers to add their one route to.
 */
export function createBareApp (): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 16 * MiB })
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: 8 * MiB },
    (_request, body, done) => { done(null, body) })
  return app
}

/** Listens on 127.0.0.1 at PORT and prints the line that the benchmark waits for. */
export async function listen (app: FastifyInstance): Promise<void> {
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
  process.stdout.write('listening\n')
}
