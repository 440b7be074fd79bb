import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ERROR_REPLIES, NoContent, UserParams } from '../../src/schemas/api.js'
import { eraseUser } from '../../src/storage/queries/erase.js'
import { eraseAudio } from '../../src/storage/audio.js'

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
    const { pieces, result: deleted } = await eraseAudio(app.storage, uid, (db) => eraseUser(db, uid))

    request.log.info({ uid, deleted: { ...deleted, audio_chunks: pieces } }, 'erased all data of a user')
    return reply.code(204).send(null)
  })
}

export default userRoutes
