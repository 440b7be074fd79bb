import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { SECRET } from './build.js'

/** One generated request to POST /webhook. */
export interface FuzzRequest {
  url: string
  headers: Record<string, string>
  payload: Buffer
}

function fixture (name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8'))
}

const conversation = fixture('conversation_created.json')
const transcript = fixture('realtime_transcript.json')
const daySummary = fixture('day_summary.json')
const button = fixture('button_event.json')

/** Valid bodies of every kind, typed envelopes and real Omi shapes. */
const BASE_BODIES: Array<Record<string, unknown> | unknown[]> = [
  { type: 'ping' },
  conversation,
  { type: 'memory_created', memory: conversation },
  { type: 'memory_processing_started', memory: { id: 'm-1' } },
  { type: 'new_processing_memory_created', processing_memory_id: 'p-1', memory_id: 'm-1' },
  { type: 'processing_memory_status_changed', processing_memory_id: 'p-1', processing_memory_status: 'done', memory_id: 'm-1' },
  { type: 'new_memory_create_failed' },
  { type: 'memory_backward_synced', name: 'sync' },
  { type: 'audio_bytes', audio: '0a0b0c0d', sample_rate: 16000 },
  { type: 'transcript_segment', segment: { text: 'hello', start_time: 1, end_time: 2 } },
  transcript,
  (transcript as { segments: unknown[] }).segments,
  daySummary,
  button
]

const STRANGE_VALUES = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, '', '2026-13-45T99:99', 'x'.repeat(70_000), [], {}),
  fc.string({ maxLength: 40 }),
  fc.double(),
  fc.integer(),
  fc.jsonValue({ maxDepth: 3 })
)

const KEYS = fc.oneof(
  fc.constantFrom('id', 'type', 'memory', 'segments', 'session_id', 'created_at', 'audio', 'summary', 'summary_json', 'event_id',
    'button_event', 'event_type', 'text', 'start', 'end', 'structured', 'transcript_segments', 'photos', 'constructor', 'prototype'),
  fc.string({ maxLength: 12 })
)

/** Changes one generated path of a JSON value: a new value, a removed key or an extra key. */
function mutate (value: unknown, path: string[], replacement: unknown, action: 'set' | 'delete'): unknown {
  if (path.length === 0 || typeof value !== 'object' || value === null) return action === 'set' ? replacement : value
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...value as Record<string, unknown> }
  const [head, ...rest] = path
  const target = copy as Record<string, unknown>
  if (rest.length === 0 && action === 'delete') {
    delete target[head]
  } else {
    target[head] = mutate(target[head], rest, replacement, action)
  }
  return copy
}

const MUTATED_JSON = fc.record({
  base: fc.constantFrom(...BASE_BODIES),
  mutations: fc.array(fc.record({
    path: fc.array(fc.oneof(KEYS, fc.nat({ max: 3 }).map(String)), { minLength: 1, maxLength: 3 }),
    replacement: STRANGE_VALUES,
    action: fc.constantFrom<'set' | 'delete'>('set', 'delete')
  }), { maxLength: 3 })
}).map(({ base, mutations }) => Buffer.from(JSON.stringify(mutations.reduce<unknown>(
  (value, { path, replacement, action }) => mutate(value, path, replacement, action), base))))

/** Bodies no JSON serialiser would produce: prototype keys, invalid UTF-8, deep nesting, cut-off text. */
const RAW_BODIES = fc.oneof(
  fc.constantFrom(
    '{"type":"ping","__proto__":{"polluted":true}}',
    '{"type":"ping","constructor":{"prototype":{"polluted":true}}}',
    '{"id":"c","created_at":"2026-11-30T16:42:07Z","__proto__":1}',
    '[' .repeat(5000) + ']'.repeat(5000),
    '{"a":'.repeat(3000) + '1' + '}'.repeat(3000),
    '{"type":"audio_bytes","audio":"0g"}',
    '{"type":"audio_bytes","audio":"abc"}',
    '{"type":"audio_bytes","audio":""}',
    '{"type":"audio_bytes","audio":"00ff","sample_rate":1e400}',
    '',
    'null',
    '"ping"',
    '1e999'
  ).map((text) => Buffer.from(text)),
  fc.tuple(fc.constantFrom(...BASE_BODIES), fc.nat()).map(([body, cut]) => {
    const bytes = Buffer.from(JSON.stringify(body))
    return bytes.subarray(0, cut % (bytes.length + 1))
  }),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.concat([Buffer.from('{"type":"ping","x":"'), Buffer.from(bytes), Buffer.from('"}')]))
)

const AUDIO_BODIES = fc.oneof(
  fc.uint8Array({ maxLength: 4000 }).map((bytes) => Buffer.from(bytes)),
  fc.nat({ max: 40_000 }).map((length) => Buffer.alloc(length, 1))
)

const QUERIES = fc.oneof(
  fc.constantFrom(
    `?uid=fuzz_user&key=${SECRET}`,
    `?key=${SECRET}?uid=fuzz_user`,
    `?key=${SECRET}?sample_rate=16000&uid=fuzz_user`,
    `?uid=fuzz_user&uid=other&key=${SECRET}`,
    `?uid=fuzz_user&uid=fuzz_user&key=${SECRET}&session_id=`,
    `?uid=&key=${SECRET}`,
    `?uid=${'u'.repeat(200)}&key=${SECRET}`,
    `?uid=%E0%A4%A&key=${SECRET}`,
    `?uid=fuzz_user&key=${SECRET}&sample_rate=abc`,
    `?uid=fuzz_user&key=${SECRET}&sample_rate=16000`,
    `?uid=fuzz_user&key=${SECRET}&sample_rate=999999`,
    `?uid=fuzz_user&key=${SECRET}&session_id=s-1`,
    `?uid=fuzz_user&key=${SECRET}&sample_rate[]=1`,
    `?uid=fuzz_user&key=${SECRET}&__proto__=x&constructor=y`
  ),
  fc.string({ maxLength: 30 }).map((extra) => `?uid=fuzz_user&key=${SECRET}&${encodeURIComponent(extra)}=${extra}`)
)

const CONTENT_TYPES = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/octet-stream',
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'APPLICATION/JSON')

const OMI_EVENTS = fc.constantFrom(undefined, 'memory_created', 'realtime_transcript', 'audio_bytes', 'day_summary', 'button_event', 'bogus')

const IDEMPOTENCY_KEYS = fc.constantFrom(undefined, 'key-1', 'key-2', 'key-3')

/** Generates requests of every kind, mostly close to valid and sometimes badly broken. */
export const fuzzRequests: fc.Arbitrary<FuzzRequest> = fc.record({
  body: fc.oneof({ weight: 5, arbitrary: MUTATED_JSON }, { weight: 2, arbitrary: RAW_BODIES }, { weight: 2, arbitrary: AUDIO_BODIES }),
  query: QUERIES,
  contentType: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: CONTENT_TYPES }),
  omiEvent: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: OMI_EVENTS }),
  idempotencyKey: IDEMPOTENCY_KEYS
}).map(({ body, query, contentType, omiEvent, idempotencyKey }) => {
  const looksLikeJson = body.length > 0 && (body[0] === 0x7b || body[0] === 0x5b)
  const headers: Record<string, string> = {
    'content-type': contentType ?? (looksLikeJson ? 'application/json' : 'application/octet-stream')
  }
  if (omiEvent !== undefined) headers['x-omi-event'] = omiEvent
  if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey
  const url = `/webhook${query}${headers['content-type'] === 'application/octet-stream' && !query.includes('sample_rate') ? '&sample_rate=16000' : ''}`
  return { url, headers, payload: body }
})
