import type { FastifyPluginAsync } from 'fastify'

/** The system family: `ping`, which checks the URL and secret and stores nothing. */
const systemFamily: FastifyPluginAsync = async function (app) {
  app.addEventHandler('ping', () => ({ reply: { message: 'pong' } }))
}

export default systemFamily
