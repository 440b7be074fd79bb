import { Storage } from '../../src/storage/storage.js'
import { recogniseDelivery } from '../../src/webhook/recognise.js'
import { writeDelivery } from '../../src/storage/deliveries.js'
import { DeliveryState } from '../../src/webhook/delivery-state.js'
import type { EventHandler } from '../../src/webhook/handlers.js'
import families from '../../routes/families/index.js'
import { createBareApp, listen } from './bare-app.js'

/**
 * The storage ceiling for the benchmark: the bare server's route plus the
 * service's own storage work for each delivery (recognising the body, the
 * family's handler and the group-committed write), without auth, validation,
 * hooks, logs or metrics. Its rate against the bare server's shows how high a
 * ratio the storage work alone allows.
 */
const storage = new Storage(process.env.DATA_DIR as string)
const handlers = new Map<string, EventHandler<never>>()
const app = createBareApp()

app.decorate('storage', storage)
app.decorate('addEventHandler', (type: string, handler: EventHandler<never>) => { handlers.set(type, handler) })
await app.register(families)

app.post('/webhook', (request, reply) => {
  const query = request.query as { uid: string, sample_rate?: string }
  const isRawAudio = Buffer.isBuffer(request.body)
  const event = recogniseDelivery({ body: request.body, isRawAudio, sampleRate: Number(query.sample_rate ?? 16000) })
  const handler = handlers.get(event.type) as EventHandler<typeof event>

  // The service's delivery state, which formats the arrival time only when a delivery is stored, as in the service.
  const delivery = new DeliveryState(query.uid, request.id, undefined, event.type, Number(request.headers['content-length']))
  const result = handler(event, delivery)
  if ('reply' in result) {
    reply.send(result.reply)
    return
  }

  writeDelivery(storage, event.type, delivery, result).then((stored) => reply.send({ status: stored.outcome, type: event.type }), (error: Error) => reply.send(error))
})

app.addHook('onClose', () => { storage.close() })
process.once('SIGTERM', () => { app.close().then(() => process.exit(0), () => process.exit(1)) })

await listen(app)
