import type { WriteWork } from '../storage/storage.js'

/** Facts about one delivery that every family stores beside the event. */
export interface Delivery {
  uid: string
  receivedAt: string
  size: number
  requestId: string
  idempotencyKey?: string
}

export type Outcome = 'stored' | 'updated' | 'duplicate'

export interface StoredResult {
  outcome: Outcome
  id?: string
  count?: number
}

/**
 * The result of a family's handler: either a reply sent without storing
 * anything, or work to run inside the delivery's write transaction, queued
 * once `ready` (if any) resolves. A family throws a 4xx error before
 * returning when the event is invalid.
 */
export type HandlerResult =
  | { reply: Record<string, unknown> }
  | WriteResult

/** A handler result that stores the delivery. */
export interface WriteResult {
  write: WriteWork<StoredResult>
  ready?: Promise<void>
}

export type EventHandler<E> = (event: E, delivery: Delivery) => HandlerResult
