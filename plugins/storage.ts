import fp from 'fastify-plugin'
import { Storage } from '../src/storage/storage.js'
import { removeUnreferencedAudio } from '../src/storage/audio.js'

declare module 'fastify' {
  interface FastifyInstance {
    storage: Storage
  }
}

/**
 * Opens the SQLite store in DATA_DIR and closes it, after queued writes
 * commit, on shutdown. Before any delivery arrives, it deletes audio files
 * that no stored piece refers to, such as those of a delete interrupted by
 * a crash.
 */
export default fp(async function storagePlugin (app) {
  const storage = new Storage(app.config.DATA_DIR)
  app.decorate('storage', storage)

  app.addHook('onClose', async () => {
    storage.close()
  })

  try {
    const removed = removeUnreferencedAudio(storage.db)
    if (removed.length > 0) app.log.info({ files: removed.length }, 'deleted audio files that no stored piece refers to')
  } catch (error) {
    // Audio that cannot be listed fails its own deliveries; the other event families still work.
    app.log.warn({ err: error }, 'failed to list the audio folder for files that no stored piece refers to')
  }
}, { fastify: '5.x', name: 'storage', dependencies: ['config'] })
