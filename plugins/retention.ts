import fp from 'fastify-plugin'
import { applyRetention, type RetentionPolicy } from '../src/retention.js'

/** Interval between retention runs. The first run starts when the app is ready. */
export const RETENTION_INTERVAL_MS = 60 * 60 * 1000

/**
 * Deletes audio older than AUDIO_RETENTION_DAYS and data older than
 * DATA_RETENTION_DAYS, once at startup and then every hour. Does nothing
 * when both are 0.
 */
export default fp(async function retentionPlugin (app) {
  const policy: RetentionPolicy = { audioDays: app.config.AUDIO_RETENTION_DAYS, dataDays: app.config.DATA_RETENTION_DAYS }
  if (policy.audioDays === 0 && policy.dataDays === 0) return

  let running: Promise<void> = Promise.resolve()
  const run = (): void => {
    running = applyRetention(app.storage, policy)
      .then((deleted) => { app.log.info({ deleted, policy }, 'retention run finished') })
      .catch((error: unknown) => { app.log.error({ err: error, policy }, 'retention run failed') })
  }

  const timer = setInterval(run, RETENTION_INTERVAL_MS)
  timer.unref()

  app.addHook('onReady', async () => {
    run()
  })
  app.addHook('onClose', async () => {
    clearInterval(timer)
    await running
  })
}, { fastify: '5.x', name: 'retention', dependencies: ['config', 'storage'] })
