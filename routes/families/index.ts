import type { FastifyPluginAsync } from 'fastify'
import systemFamily from './system.js'
import memoryFamily from './memory.js'
import transcriptFamily from './transcript.js'
import audioFamily from './audio.js'
import daySummaryFamily from './day-summary.js'
import buttonFamily from './button.js'

/**
 * Registers every event family. Each is encapsulated and adds handlers for
 * its event types; a new family is one plugin registered here plus its
 * variants in the event union.
 */
const families: FastifyPluginAsync = async function (app) {
  await app.register(systemFamily)
  await app.register(memoryFamily)
  await app.register(transcriptFamily)
  await app.register(audioFamily)
  await app.register(daySummaryFamily)
  await app.register(buttonFamily)
}

export default families
