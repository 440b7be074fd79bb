import { readFileSync } from 'node:fs'

/** One kind of request the benchmark sends, with a body that can change per request. */
export interface Scenario {
  name: string
  contentType: 'application/json' | 'application/octet-stream'
  query: string
  /** Body of the n-th request. Bodies with ids get a new id each time, so nothing is deduplicated. */
  body: (n: number) => string | Buffer
  bodyBytes: number
  /** Whether a 2xx means a row in `deliveries`; a ping stores nothing. */
  stores: boolean
}

// Plain text, so JSON.stringify leaves it as it is and json() can find it.
const MARKER = '@@BENCH_ID@@'
const AUDIO_BYTES = 32_000
const PHOTO_BYTES = 2 * 1024 * 1024

export function readFixture (name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8'))
}

/** Builds the scenarios of the benchmark, from the sample Omi bodies in test/fixtures. */
export function buildScenarios (): Scenario[] {
  const conversation = readFixture('conversation_created.json')
  const transcript = readFixture('realtime_transcript.json') as { segments: Array<Record<string, unknown>> }
  const audio = Buffer.alloc(AUDIO_BYTES, 0x11)
  const photo = Buffer.alloc(PHOTO_BYTES * 3 / 4, 0x5a).toString('base64')

  return [
    json('ping', { type: 'ping' }, false),
    json('memory_created (typed)', {
      type: 'memory_created',
      memory: { id: MARKER, created_at: '2026-11-30T16:42:07Z', structured: { title: 'Bench', overview: 'A short typed memory' } }
    }),
    json('conversation 4 KB', { ...conversation, id: MARKER }),
    json('conversation + 2 MB photos', { ...conversation, id: MARKER, photos: [{ id: 'photo-1', base64: photo, description: null }] }),
    json('live transcript', {
      ...transcript,
      segments: transcript.segments.map((segment, index) => ({ ...segment, id: `${MARKER}-${index}` }))
    }),
    {
      name: 'raw audio 32,000 B',
      contentType: 'application/octet-stream',
      query: '&sample_rate=16000',
      body: () => audio,
      bodyBytes: audio.length,
      stores: true
    },
    json('hex audio 32,000 B', { type: 'audio_bytes', audio: audio.toString('hex') })
  ]
}

function json (name: string, value: unknown, stores = true): Scenario {
  const parts = JSON.stringify(value).split(MARKER)
  const body = parts.length === 1 ? () => parts[0] : (n: number) => parts.join(`bench-${n}`)
  return { name, contentType: 'application/json', query: '', body, bodyBytes: Buffer.byteLength(body(0)), stores }
}
