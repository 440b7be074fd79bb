import fp from 'fastify-plugin'
import { Storage } from '../src/storage/storage.js'

declare module 'fastify' {
  interface FastifyInstance {
    storage: Storage
  }
}

/** Opens the SQLite store in DATA_DIR and closes it, after queued writes commit, on shutdown. */
export default fp(async function storagePlugin (app) {
  const storage = new Storage(app.config.DATA_DIR)
  app.decorate('storage', storage)

  app.addHook('onClose', async () => {
    storage.close()
  })
}, { fastify: '5.x', name: 'storage', dependencies: ['config'] })
