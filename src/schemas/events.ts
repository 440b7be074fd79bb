import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox'
import { Nullable, NullableString, Timestamp } from './common.js'

const open = { additionalProperties: true }

export const ConversationSegment = Type.Object({
  id: Type.Optional(Type.String()),
  text: Type.String(),
  speaker: Type.Optional(NullableString),
  speaker_id: Type.Optional(Nullable(Type.Integer())),
  is_user: Type.Optional(Nullable(Type.Boolean())),
  person_id: Type.Optional(NullableString),
  start: Type.Number({ minimum: 0 }),
  end: Type.Number({ minimum: 0 })
}, open)

export const Memory = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200 }),
  created_at: Timestamp,
  started_at: Type.Optional(Nullable(Timestamp)),
  finished_at: Type.Optional(Nullable(Timestamp)),
  text: Type.Optional(NullableString),
  source: Type.Optional(NullableString),
  language: Type.Optional(NullableString),
  structured: Type.Optional(Type.Object({
    title: Type.Optional(NullableString),
    overview: Type.Optional(NullableString),
    emoji: Type.Optional(NullableString),
    category: Type.Optional(NullableString)
  }, open)),
  transcript_segments: Type.Optional(Type.Array(ConversationSegment))
}, { ...open, description: 'A finished conversation, with every field Omi sends kept as received.' })

export const LiveSegment = Type.Object({
  id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  text: Type.String(),
  speaker: Type.Optional(NullableString),
  speaker_id: Type.Optional(Nullable(Type.Integer())),
  is_user: Type.Optional(Nullable(Type.Boolean())),
  person_id: Type.Optional(NullableString),
  start: Type.Number({ minimum: 0 }),
  end: Type.Number({ minimum: 0 })
}, open)

function variant<T extends string, P extends Record<string, TSchema>> (type: T, properties: P, description: string) {
  return Type.Object({ type: Type.Literal(type), ...properties }, { ...open, description })
}

export const PingEvent = variant('ping', {}, 'Checks that the URL and secret work. Replies {"message":"pong"}.')

export const MemoryCreatedEvent = variant('memory_created', { memory: Memory },
  'A finished conversation. Real Omi deliveries send the conversation object bare.')
export const NewMemoryCreateFailedEvent = variant('new_memory_create_failed', {}, 'Omi failed to create a conversation.')
export const NewProcessingMemoryCreatedEvent = variant('new_processing_memory_created', {
  processing_memory_id: Type.String({ minLength: 1 }),
  memory_id: Type.Optional(NullableString)
}, 'A conversation started processing.')
export const MemoryProcessingStartedEvent = variant('memory_processing_started', {
  memory: Type.Optional(Type.Object({}, open))
}, 'Processing of a conversation started.')
export const ProcessingMemoryStatusChangedEvent = variant('processing_memory_status_changed', {
  processing_memory_id: Type.String({ minLength: 1 }),
  processing_memory_status: Type.String({ minLength: 1, description: 'capturing, processing or done' }),
  memory_id: Type.Optional(NullableString)
}, 'The status of a processing conversation changed.')
export const MemoryBackwardSyncedEvent = variant('memory_backward_synced', {
  name: Type.Optional(NullableString)
}, 'Conversations recorded offline were synced.')

export const AudioBytesEvent = variant('audio_bytes', {
  audio: Type.String({ description: 'Hex-encoded PCM, signed 16-bit little-endian, mono.' }),
  sample_rate: Type.Optional(Type.Integer({ minimum: 1000, maximum: 192000, description: 'Defaults to 16000.' }))
}, 'A piece of audio. Real Omi deliveries send raw PCM as application/octet-stream with ?sample_rate=.')

export const TranscriptSegmentEvent = variant('transcript_segment', {
  segment: Type.Object({
    text: Type.String({ minLength: 1 }),
    start_time: Type.Number({ minimum: 0 }),
    end_time: Type.Number({ minimum: 0 }),
    confidence: Type.Number({ minimum: 0, maximum: 1 })
  }, open),
  session_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 }))
}, 'One transcript segment. end_time must not be before start_time.')

export const RealtimeTranscriptEvent = variant('realtime_transcript', {
  session_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  segments: Type.Array(LiveSegment, { maxItems: 10000 })
}, 'Live transcript segments. A segment id that arrives again replaces the earlier text.')

export const DaySummaryEvent = variant('day_summary', {
  summary: Type.Optional(Type.String()),
  summary_json: Type.Optional(Nullable(Type.Object({}, open))),
  uid: Type.Optional(Type.String()),
  created_at: Type.Optional(Timestamp)
}, 'A summary of the day. At least one of summary and summary_json is present.')

export const ButtonEvent = variant('button_event', {
  event_type: Type.Optional(Type.Literal('button_event')),
  button_event: Type.String({ minLength: 1, description: 'single_tap, double_tap or long_tap' }),
  device_id: Type.Optional(NullableString),
  event_id: Type.String({ minLength: 1, maxLength: 200 }),
  timestamp: Type.Optional(Nullable(Timestamp)),
  session_id: Type.Optional(NullableString)
}, 'A press of the button on the Omi device.')

const variants = [
  PingEvent,
  MemoryCreatedEvent,
  NewMemoryCreateFailedEvent,
  NewProcessingMemoryCreatedEvent,
  MemoryProcessingStartedEvent,
  ProcessingMemoryStatusChangedEvent,
  MemoryBackwardSyncedEvent,
  AudioBytesEvent,
  TranscriptSegmentEvent,
  RealtimeTranscriptEvent,
  DaySummaryEvent,
  ButtonEvent
] as const

type EventUnion = Static<(typeof variants)[number]>

export const EVENT_TYPES: string[] = variants.map((schema: TObject) => schema.properties.type.const as string)

/**
 * Every webhook event as one discriminated union on `type`. It is a `oneOf`
 * with Ajv's `discriminator` keyword, so a bad event is reported against its
 * own variant's fields rather than against every branch.
 */
export const WebhookEvent = Type.Unsafe<EventUnion>({
  $id: 'WebhookEvent',
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: [...variants]
})

export type WebhookEvent = EventUnion
export type EventOf<T extends WebhookEvent['type']> = Extract<WebhookEvent, { type: T }>
