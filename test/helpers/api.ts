import assert from 'node:assert/strict'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { SECRET, webhookUrl } from './build.js'

/** Builds a read API URL for `path` under /v1/users/:uid with the test secret in `?key=`. */
export function apiUrl (uid: string, path = '', query = ''): string {
  return `/v1/users/${uid}${path}?key=${SECRET}${query === '' ? '' : '&' + query}`
}

export interface ConversationInput {
  id: string
  created_at?: string
  title?: string
  overview?: string
  segments?: Array<{ text: string, speaker?: string, speaker_id?: number, is_user?: boolean, start: number, end: number }>
}

/** Builds a conversation object in the shape Omi sends. */
export function conversation (input: ConversationInput): Record<string, unknown> {
  return {
    id: input.id,
    created_at: input.created_at ?? '2026-11-30T16:42:07.318244+00:00',
    started_at: '2026-11-30T16:31:12+00:00',
    finished_at: '2026-11-30T16:41:55+00:00',
    source: 'omi',
    language: 'en',
    structured: { title: input.title ?? `Conversation ${input.id}`, overview: input.overview ?? '', emoji: '🌱', category: 'social' },
    transcript_segments: (input.segments ?? []).map((segment, index) => ({ id: `${input.id}-s${index}`, ...segment }))
  }
}

/** Delivers a JSON body to POST /webhook for `uid` and fails loudly unless it was stored. */
export async function deliver (app: FastifyInstance, uid: string, payload: unknown, extra = ''): Promise<LightMyRequestResponse> {
  const response = await app.inject({ method: 'POST', url: webhookUrl(uid, extra), payload: payload as Record<string, unknown> })
  assert.equal(response.statusCode, 200, `delivery failed: ${response.body}`)
  return response
}

/** Delivers raw 16-bit PCM as application/octet-stream, the way Omi sends audio. */
export async function deliverAudio (app: FastifyInstance, uid: string, pcm: Buffer, sampleRate = 16000): Promise<LightMyRequestResponse> {
  const response = await app.inject({
    method: 'POST',
    url: webhookUrl(uid, `&sample_rate=${sampleRate}`),
    headers: { 'content-type': 'application/octet-stream' },
    payload: pcm
  })
  assert.equal(response.statusCode, 200, `audio delivery failed: ${response.body}`)
  return response
}

/** Reads every page of a list, following next_cursor, and returns the items in order. */
export async function readAllPages<T> (app: FastifyInstance, url: string): Promise<{ items: T[], pages: number }> {
  const items: T[] = []
  let pages = 0
  let cursor: string | null = null
  do {
    const suffix: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`
    const response = await app.inject({ method: 'GET', url: url + suffix })
    assert.equal(response.statusCode, 200, `page request failed: ${response.body}`)
    const page = response.json() as { items: T[], next_cursor: string | null }
    items.push(...page.items)
    cursor = page.next_cursor
    pages++
    assert.ok(pages <= 100, 'more than 100 pages: the cursor does not advance')
  } while (cursor !== null)
  return { items, pages }
}
