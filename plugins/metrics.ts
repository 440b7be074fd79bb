import fp from 'fastify-plugin'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyRequest } from 'fastify'
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import { KeyedCounter, KeyedHistogram } from '../src/prometheus.js'
import { DATABASE_FILE } from '../src/storage/database.js'
import { EVENT_TYPES } from '../src/schemas/events.js'

const KNOWN_EVENTS = new Set(EVENT_TYPES)

/**
 * GET /metrics in the Prometheus text format, behind the webhook secret like
 * every non-public route. Each app has its own registry, so two apps in one
 * process (as in the tests) never share or double-register metrics.
 */
export default fp(async function metricsPlugin (app) {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const metrics = createMetrics(registry, join(app.config.DATA_DIR, DATABASE_FILE))

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched'
    const { method } = request
    const statusCode = reply.statusCode
    metrics.duration.observe(`${method} ${route} ${statusCode}`, () => ({ method, route, status_code: statusCode }), reply.elapsedTime / 1000)

    const delivery = request.delivery
    if (delivery !== undefined) countDelivery(metrics, delivery)
    done()
  })

  app.get('/metrics', {
    schema: { summary: 'Prometheus metrics; needs the webhook secret', response: { 200: { type: 'string' } } }
  }, async (_request, reply) => {
    reply.type(registry.contentType)
    return await registry.metrics()
  })

  app.addHook('onClose', async () => {
    registry.clear()
  })
}, { fastify: '5.x', name: 'metrics', dependencies: ['config'] })

function createMetrics (registry: Registry, databasePath: string) {
  const metrics = {
    deliveries: new KeyedCounter('omi_deliveries_total',
      'Webhook deliveries by event type and outcome (stored, updated, duplicate, replied, rejected).'),
    bytes: new KeyedCounter('omi_received_bytes_total', 'Body bytes of webhook deliveries, by event type.'),
    duplicates: new KeyedCounter('omi_duplicate_deliveries_total',
      'Deliveries already stored before (a retry with the same idempotency key or an unchanged conversation).'),
    duration: new KeyedHistogram('http_request_duration_seconds',
      'Time from receiving a request to sending its response, in seconds.',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15])
  }
  for (const metric of Object.values(metrics)) registry.registerMetric(metric.asMetric())

  registry.registerMetric(new Gauge({
    name: 'omi_database_size_bytes',
    help: 'Size of the SQLite database file plus its write-ahead log, in bytes.',
    registers: [],
    collect () {
      this.set(fileSize(databasePath) + fileSize(`${databasePath}-wal`))
    }
  }))
  return metrics
}

function countDelivery (metrics: ReturnType<typeof createMetrics>, delivery: NonNullable<FastifyRequest['delivery']>): void {
  // The route's own onResponse hook, which runs after this one, turns a pending outcome into "rejected".
  const outcome = delivery.outcome === 'pending' ? 'rejected' : delivery.outcome
  // The type comes from the request, so only known types become label values.
  const event = KNOWN_EVENTS.has(delivery.type) ? delivery.type : 'unknown'

  metrics.deliveries.inc(`${event} ${outcome}`, () => ({ event, outcome }))
  metrics.bytes.inc(event, () => ({ event }), delivery.size)
  if (outcome === 'duplicate') metrics.duplicates.inc(event, () => ({ event }))
}

function fileSize (path: string): number {
  /* c8 ignore next: both files exist while the database is open; a missing one counts as 0 rather than failing the scrape */
  return statSync(path, { throwIfNoEntry: false })?.size ?? 0
}
