import { Type, type TSchema } from '@sinclair/typebox'
import { ErrorReply, NullableString, Timestamp, Uid } from './common.js'

export const DEFAULT_PAGE_SIZE = 50
export const MAX_PAGE_SIZE = 500

const NullableNumber = Type.Union([Type.Number(), Type.Null()])
const NullableInteger = Type.Union([Type.Integer(), Type.Null()])

export const UserParams = Type.Object({ uid: Uid })

export const ConversationParams = Type.Object({
  uid: Uid,
  id: Type.String({ minLength: 1, maxLength: 200, description: 'The conversation id that Omi assigned.' })
})

export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Items per page.' }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'The next_cursor of the previous page.' }))
}

export const Since = Type.Optional(Type.String({ ...Timestamp, description: 'Only items at or after this ISO 8601 time.' }))
export const Until = Type.Optional(Type.String({ ...Timestamp, description: 'Only items before this ISO 8601 time.' }))

export const TranscriptFormat = Type.Union(
  [Type.Literal('json'), Type.Literal('txt'), Type.Literal('srt'), Type.Literal('vtt')],
  { default: 'json', description: 'json, txt (one line per segment, with the speaker), srt or vtt (subtitles).' }
)

/** Builds the schema of a page of a list: newest first, with the cursor of the next page or null on the last page. */
export function Page<T extends TSchema> (item: T) {
  return Type.Object({
    items: Type.Array(item),
    next_cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as ?cursor= to read the next page. It is null on the last page.' })
  })
}

export const ConversationSummary = Type.Object({
  id: Type.String(),
  created_at: NullableString,
  started_at: NullableString,
  finished_at: NullableString,
  title: NullableString,
  overview: NullableString,
  emoji: NullableString,
  category: NullableString,
  source: NullableString,
  language: NullableString
})

export const Segment = Type.Object({
  id: NullableString,
  text: Type.String(),
  speaker: NullableString,
  speaker_id: NullableInteger,
  is_user: Type.Union([Type.Boolean(), Type.Null()]),
  start: Type.Number({ description: 'Seconds from the start of the conversation or session.' }),
  end: Type.Number({ description: 'Seconds from the start of the conversation or session.' })
})

export const ConversationTranscript = Type.Object({
  id: Type.String(),
  segments: Type.Array(Segment)
})

export const LiveSegment = Type.Object({
  ...Segment.properties,
  id: Type.String(),
  session_id: Type.String(),
  confidence: NullableNumber,
  received_at: Type.String({ description: 'When the first version of this segment was received.' }),
  updated_at: Type.String({ description: 'When the latest text of this segment was received.' })
})

export const AudioSpan = Type.Object({
  start: Type.String({ description: 'When the first piece of the stretch was received.' }),
  end: Type.String({ description: 'When the last piece was received, plus its duration.' }),
  sample_rate: Type.Integer(),
  bytes: Type.Integer({ description: 'Bytes of 16-bit PCM in the stretch.' })
})

export const DaySummary = Type.Object({
  seq: Type.Integer(),
  summary_id: NullableString,
  date: NullableString,
  summary: Type.String(),
  summary_json: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
  created_at: NullableString,
  received_at: Type.String()
})

export const DeliveryEvent = Type.Object({
  seq: Type.Integer(),
  type: Type.String(),
  received_at: Type.String(),
  size: Type.Integer({ description: 'Body size in bytes.' }),
  outcome: Type.String({ description: 'stored, updated, duplicate or rejected.' }),
  status_code: Type.Integer(),
  idempotency_key: NullableString,
  request_id: NullableString
})

export const StoredConversation = Type.Object({}, {
  additionalProperties: true,
  description: 'The conversation object as Omi delivered it.'
})

/** Error replies that every read route can send. */
export const ERROR_REPLIES = {
  400: ErrorReply,
  401: ErrorReply,
  404: ErrorReply,
  429: ErrorReply,
  500: ErrorReply,
  503: ErrorReply
}

/** Response bodies of the text formats of a transcript, by media type. */
export const TEXT_TRANSCRIPT_CONTENT = {
  'text/plain': { schema: Type.String({ description: 'One line per segment: "Speaker: text".' }) },
  'application/x-subrip': { schema: Type.String({ description: 'SubRip subtitles.' }) },
  'text/vtt': { schema: Type.String({ description: 'WebVTT subtitles.' }) }
}

export const NoContent = Type.Null({ description: 'Erased.' })
