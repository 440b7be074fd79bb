import type { FastifyPluginAsync } from 'fastify'
import { insertButtonEvent } from '../../src/storage/summaries.js'
import { checkTimestamps } from '../../src/webhook/timestamps.js'

/** The button family: presses of the button on the Omi device. */
const buttonFamily: FastifyPluginAsync = async function (app) {
  app.addEventHandler('button_event', (event, delivery) => {
    checkTimestamps('body', { timestamp: event.timestamp })
    return { write: (db) => insertButtonEvent(db, delivery.uid, event, delivery.receivedAt) }
  })
}

export default buttonFamily
