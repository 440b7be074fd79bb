import createError from '@fastify/error'

export const OMI_EVENT_KINDS = ['memory_created', 'realtime_transcript', 'audio_bytes', 'day_summary', 'button_event'] as const

export const ACCEPTED_SHAPES = 'a JSON object with "type" (typed event), a conversation object with "id" and "created_at", ' +
  '{"session_id", "segments": [...]} or a bare array of segments (live transcript), {"summary", "summary_json"} (day summary), ' +
  '{"event_type": "button_event", ...} (button event), or application/octet-stream audio'

export const UnknownShapeError = createError('OMI_UNKNOWN_SHAPE', `The body matches no known delivery. Send ${ACCEPTED_SHAPES}.`, 400)
export const UnknownOmiEventError = createError('OMI_UNKNOWN_EVENT', `X-Omi-Event "%s" is not a known kind; expected one of: ${OMI_EVENT_KINDS.join(', ')}`, 400)
export const AudioContentTypeError = createError('OMI_AUDIO_CONTENT_TYPE', 'X-Omi-Event audio_bytes needs Content-Type application/octet-stream', 415)
export const JsonForAudioError = createError('OMI_RAW_AUDIO_EVENT', 'application/octet-stream bodies are audio, but X-Omi-Event is "%s"', 415)

export interface DeliveryInput {
  body: unknown
  isRawAudio: boolean
  omiEvent?: string
  sessionId?: string
  sampleRate?: number
}

export type RecognisedEvent = Record<string, unknown> & { type: string }

/**
 * Turns a delivery into an event of the webhook union: typed envelopes pass
 * through, and the bare bodies the Omi backend sends are wrapped in the
 * variant for their kind. Validation of the fields happens afterwards.
 */
export function recogniseDelivery (input: DeliveryInput): RecognisedEvent {
  if (input.isRawAudio) {
    if (input.omiEvent !== undefined && input.omiEvent !== 'audio_bytes') throw new JsonForAudioError(input.omiEvent)
    return { type: 'audio_bytes', audio: input.body, sample_rate: input.sampleRate }
  }

  const kind = input.omiEvent ?? detectKind(input.body)
  return wrap(kind, input)
}

/**
 * Returns where a bare body sits inside the event made from it (`/memory`
 * for a conversation, `/segments` for an array of segments), so validation
 * messages can name the field as the client sent it. Returns undefined when
 * the body's fields are the event's own.
 */
export function wrappedBodyPath (body: unknown, event: RecognisedEvent): string | undefined {
  if (event.memory === body) return '/memory'
  if (event.segments === body) return '/segments'
  return undefined
}

function detectKind (body: unknown): string {
  if (Array.isArray(body)) return 'realtime_transcript'
  if (!isObject(body)) throw new UnknownShapeError()

  if (typeof body.type === 'string') return 'envelope'
  if (Array.isArray(body.segments)) return 'realtime_transcript'
  if (body.event_type === 'button_event') return 'button_event'
  if ('summary' in body || 'summary_json' in body) return 'day_summary'
  if ('id' in body && ('created_at' in body || 'structured' in body || 'transcript_segments' in body)) return 'memory_created'
  throw new UnknownShapeError()
}

function wrap (kind: string, input: DeliveryInput): RecognisedEvent {
  const body = input.body
  switch (kind) {
    case 'envelope':
      return body as RecognisedEvent
    case 'memory_created':
      return { type: 'memory_created', memory: body }
    case 'realtime_transcript':
      return Array.isArray(body)
        ? { type: 'realtime_transcript', session_id: input.sessionId, segments: body }
        : { session_id: input.sessionId, ...asObject(body), type: 'realtime_transcript' }
    case 'day_summary':
    case 'button_event':
      return { ...asObject(body), type: kind }
    case 'audio_bytes':
      throw new AudioContentTypeError()
    default:
      throw new UnknownOmiEventError(kind)
  }
}

function asObject (body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw new UnknownShapeError()
  return body
}

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
