import type { FastifyPluginAsync } from 'fastify'
import createError from '@fastify/error'
import { insertDaySummary } from '../../src/storage/summaries.js'
import { checkTimestamps } from '../../src/webhook/timestamps.js'

export const EmptySummaryError = createError('OMI_EMPTY_SUMMARY', 'A day summary needs body/summary or body/summary_json', 400)

/** The day summary family. */
const daySummaryFamily: FastifyPluginAsync = async function (app) {
  app.addEventHandler('day_summary', (event, delivery) => {
    if (event.summary === undefined && (event.summary_json === undefined || event.summary_json === null)) throw new EmptySummaryError()
    checkTimestamps('body', { created_at: event.created_at })

    return { write: (db) => insertDaySummary(db, delivery.uid, event, delivery.receivedAt) }
  })
}

export default daySummaryFamily
