import type { FastifyPluginAsync } from 'fastify'
import { insertMemoryEvent, upsertMemory } from '../../src/storage/memories.js'
import { checkTimestamps } from '../../src/webhook/timestamps.js'

/** The conversation family: finished conversations and their processing lifecycle. */
const memoryFamily: FastifyPluginAsync = async function (app) {
  app.addEventHandler('memory_created', (event, delivery) => {
    const memory = event.memory
    checkTimestamps('body/memory', { created_at: memory.created_at, started_at: memory.started_at, finished_at: memory.finished_at })
    return { write: (db) => upsertMemory(db, delivery.uid, memory, delivery.receivedAt) }
  })

  app.addEventHandler('memory_processing_started', (event, delivery) => ({
    write: (db) => insertMemoryEvent(db, delivery.uid, { type: event.type, memoryId: memoryIdOf(event.memory), body: event }, delivery.receivedAt)
  }))

  app.addEventHandler('new_processing_memory_created', (event, delivery) => ({
    write: (db) => insertMemoryEvent(db, delivery.uid, {
      type: event.type, processingMemoryId: event.processing_memory_id, memoryId: event.memory_id, body: event
    }, delivery.receivedAt)
  }))

  app.addEventHandler('processing_memory_status_changed', (event, delivery) => ({
    write: (db) => insertMemoryEvent(db, delivery.uid, {
      type: event.type,
      processingMemoryId: event.processing_memory_id,
      memoryId: event.memory_id,
      status: event.processing_memory_status,
      body: event
    }, delivery.receivedAt)
  }))

  app.addEventHandler('memory_backward_synced', (event, delivery) => ({
    write: (db) => insertMemoryEvent(db, delivery.uid, { type: event.type, name: event.name, body: event }, delivery.receivedAt)
  }))

  app.addEventHandler('new_memory_create_failed', (event, delivery) => ({
    write: (db) => insertMemoryEvent(db, delivery.uid, { type: event.type, body: event }, delivery.receivedAt)
  }))
}

function memoryIdOf (memory: Record<string, unknown> | undefined): string | null {
  return typeof memory?.id === 'string' ? memory.id : null
}

export default memoryFamily
