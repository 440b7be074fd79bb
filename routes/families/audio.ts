import type { FastifyPluginAsync } from 'fastify'
import { insertAudio, placeAudio } from '../../src/storage/audio.js'
import { checkPcm, decodeHexAudio } from '../../src/webhook/pcm.js'

const DEFAULT_SAMPLE_RATE = 16000

/**
 * The audio family: hex PCM in the typed envelope, and raw PCM bodies
 * (application/octet-stream), which the webhook route passes as a Buffer.
 */
const audioFamily: FastifyPluginAsync = async function (app) {
  app.addEventHandler('audio_bytes', (event, delivery) => {
    const raw = event.audio as string | Buffer
    const pcm = Buffer.isBuffer(raw) ? raw : decodeHexAudio(raw)
    checkPcm(pcm, Buffer.isBuffer(raw) ? 'The audio body' : 'body/audio')

    const sampleRate = event.sample_rate ?? DEFAULT_SAMPLE_RATE
    // The bytes go to disk on libuv's thread pool first, so the event loop does not wait for the disk.
    const { placed, ready } = placeAudio(app.storage.db, delivery.uid, delivery.receivedAt, pcm)
    return { ready, write: (db) => insertAudio(db, delivery.uid, pcm, sampleRate, delivery.receivedAt, placed) }
  })
}

export default audioFamily
