import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import {
  ConversationParams, ConversationSummary, ConversationTranscript, ERROR_REPLIES, NoContent, Page, PageQuery,
  Since, StoredConversation, TEXT_TRANSCRIPT_CONTENT, TranscriptFormat, Until, UserParams
} from '../../src/schemas/api.js'
import { toUtcIso } from '../../src/schemas/common.js'
import { deleteConversation, getConversationBody, getConversationSegments, listConversations } from '../../src/storage/queries/conversations.js'
import { CONTENT_TYPES, formatTranscript } from '../../src/export/transcript.js'
import { ConversationNotFoundError } from './errors.js'

const ListQuery = Type.Object({
  ...PageQuery,
  since: Since,
  until: Until,
  q: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 500,
    description: 'Words to search for in titles, overviews and transcripts; every word must match. Results are ordered by relevance.'
  }))
})

const TranscriptQuery = Type.Object({ format: TranscriptFormat })

/** Finished conversations: list and search, one conversation as received, its transcript, and erasure. */
const conversationRoutes: FastifyPluginAsyncTypebox = async function (app) {
  app.get('/v1/users/:uid/conversations', {
    schema: {
      summary: 'List or search conversations',
      description: 'Newest first by created_at; with q, by relevance (bm25) instead.',
      params: UserParams,
      querystring: ListQuery,
      response: { 200: Page(ConversationSummary), ...ERROR_REPLIES }
    }
  }, async (request) => {
    const { since, until, q, limit, cursor } = request.query
    return listConversations(app.storage.db, request.params.uid, {
      since: since === undefined ? undefined : toUtcIso(since),
      until: until === undefined ? undefined : toUtcIso(until),
      q,
      limit,
      cursor
    })
  })

  app.get('/v1/users/:uid/conversations/:id', {
    schema: {
      summary: 'Read one conversation as received',
      params: ConversationParams,
      response: { 200: StoredConversation, ...ERROR_REPLIES }
    }
  }, async (request, reply) => {
    const { uid, id } = request.params
    const body = getConversationBody(app.storage.db, uid, id)

    if (body === undefined) throw new ConversationNotFoundError(JSON.stringify(id))

    return reply.type('application/json; charset=utf-8').send(body)
  })

  app.get('/v1/users/:uid/conversations/:id/transcript', {
    schema: {
      summary: 'Read the transcript of a conversation',
      params: ConversationParams,
      querystring: TranscriptQuery,
      response: {
        200: {
          description: 'The segments in spoken order, as JSON, plain text or subtitles.',
          content: {
            'application/json': { schema: ConversationTranscript },
            ...TEXT_TRANSCRIPT_CONTENT
          }
        },
        ...ERROR_REPLIES
      }
    }
  }, async (request, reply) => {
    const { uid, id } = request.params
    const { format } = request.query
    const segments = getConversationSegments(app.storage.db, uid, id)

    if (segments === undefined) throw new ConversationNotFoundError(JSON.stringify(id))

    if (format === 'json') return reply.type('application/json; charset=utf-8').send({ id, segments })
    return reply.type(CONTENT_TYPES[format]).send(formatTranscript(segments, format))
  })

  app.delete('/v1/users/:uid/conversations/:id', {
    schema: {
      summary: 'Erase one conversation',
      description: 'Deletes the conversation, its transcript segments, its search entry and its processing events.',
      params: ConversationParams,
      response: { 204: NoContent, ...ERROR_REPLIES }
    }
  }, async (request, reply) => {
    const { uid, id } = request.params
    const deleted = await app.storage.write((db) => deleteConversation(db, uid, id))

    if (!deleted) throw new ConversationNotFoundError(JSON.stringify(id))

    request.log.info({ uid, conversation: id }, 'erased a conversation')
    return reply.code(204).send(null)
  })
}

export default conversationRoutes
