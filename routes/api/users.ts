import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ERROR_REPLIES, NoContent, UserParams } from '../../src/schemas/api.js'
import { eraseUser } from '../../src/storage/queries/erase.js'
import { deleteAudio, removeAudioFolder } from '../../src/storage/audio.js'

/** A time after every stored piece of audio, so deleteAudio removes all of them. */
const END_OF_TIME = '9999-12-31T23:59:59.999Z'

/** Erasure of everything stored for a user. */
const userRoutes: FastifyPluginAsyncTypebox = async function (app) {
  app.delete('/v1/users/:uid', {
    schema: {
      summary: 'Erase everything stored for a user',
      description: 'Deletes conversations, transcripts, audio, summaries, button events, the delivery log, idempotency keys ' +
        'and search entries of this uid. Replies 204 also when nothing was stored.',
      params: UserParams,
      response: { 204: NoContent, ...ERROR_REPLIES }
    }
  }, async (request, reply) => {
    const { uid } = request.params
    const audioChunks = await deleteAudio(app.storage, uid, END_OF_TIME)
    const deleted = await app.storage.write((db) => eraseUser(db, uid))
    removeAudioFolder(app.config.DATA_DIR, uid)

    // deleteAudio has removed the audio rows, so eraseUser counts only pieces that arrived in between.
    request.log.info({ uid, deleted: { ...deleted, audio_chunks: audioChunks + deleted.audio_chunks } }, 'erased all data of a user')
    return reply.code(204).send(null)
  })
}

export default userRoutes
