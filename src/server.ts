import Fastify, { type FastifyInstance } from 'fastify'
import closeWithGrace from 'close-with-grace'
import app from './app.js'
import { readConfigOrExit, type Config } from './config.js'
import { serverOptions } from './server-options.js'
import type { ResolvedSecret } from './secret.js'
import { DataFolderInUseError } from './storage/data-folder-lock.js'

/** Process entry: loads the configuration, listens, and shuts down gracefully on SIGTERM or SIGINT. */
async function main (): Promise<void> {
  const config = readConfigOrExit()
  const server = Fastify(serverOptions(config))
  await registerOrExit(server)

  closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
    /* c8 ignore next: needs an uncaught error in the running process, which no request can cause. */
    if (err !== undefined) server.log.error({ err }, 'shutting down after an uncaught error')
    else server.log.info({ signal }, 'shutting down')
    await server.close()
  })

  await server.listen({ port: config.PORT, host: config.HOST })
  announceSecret(server.webhookSecret, config, server.server.address())
}

/** Loads the app's plugins, and exits with a message instead of a stack trace if another instance has DATA_DIR open. */
async function registerOrExit (server: FastifyInstance): Promise<void> {
  try {
    await server.register(app, { env: process.env })
  } catch (error) {
    if (!(error instanceof DataFolderInUseError)) throw error
    process.stderr.write(`omi-webhook: ${error.message}\n`)
    process.exit(1)
  }
}

/**
 * Tells the operator where the secret came from. A newly generated secret
 * is printed once, as the URL to paste into the Omi app, and only to a
 * terminal, so it does not end up in collected container logs.
 */
function announceSecret (secret: ResolvedSecret, config: Config, address: ReturnType<import('node:net').Server['address']>): void {
  /* c8 ignore next: after listen on HOST and PORT, address() is always an object; the fallback is for types. */
  const port = typeof address === 'object' && address !== null ? address.port : config.PORT
  const url = 'https://<your-public-host>/webhook?key='

  if (secret.source === 'environment') {
    process.stdout.write('omi-webhook: using WEBHOOK_SECRET from the environment\n')
  } else if (secret.source === 'file') {
    process.stdout.write(`omi-webhook: using the secret saved in ${secret.path}\n`)
  } else if (process.stdout.isTTY === true) {
    process.stdout.write(`omi-webhook: generated a secret and saved it in ${secret.path}\n` +
      `Paste this URL into every webhook field of the Omi app (Settings > Developer Mode), with the public HTTPS host of your reverse proxy (or http://<host>:${port} for a direct test):\n\n  ${url}${secret.value}\n\n`)
  } else {
    process.stdout.write(`omi-webhook: generated a secret and saved it in ${secret.path}; ` +
      `read it with \`cat ${secret.path}\` and paste ${url}<secret> into the Omi app\n`)
  }
}

await main()
