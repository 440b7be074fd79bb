import t, { type Test } from 'tap'
import { build } from './helpers/build.js'
import { apiUrl, conversation, deliver, readAllPages } from './helpers/api.js'

const SEGMENTS = [
  { text: 'So are we still doing the garden workday?', speaker: 'SPEAKER_01', speaker_id: 1, is_user: false, start: 0.48, end: 3.9 },
  { text: 'Yes, Saturday at 9 --> bring <gloves> & rakes.', speaker: 'SPEAKER_00', speaker_id: 0, is_user: true, start: 4.2, end: 3661.0456 }
]

async function storedConversation (t: Test) {
  const app = await build(t)
  await deliver(app, 'user_1', conversation({ id: 'garden', segments: SEGMENTS }))
  return app
}

t.test('conversation transcript as JSON', async (t) => {
  const app = await storedConversation(t)

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations/garden/transcript') })

  t.equal(response.statusCode, 200)
  t.equal(response.headers['content-type'], 'application/json; charset=utf-8')
  t.same(response.json(), {
    id: 'garden',
    segments: SEGMENTS.map((segment, index) => ({ id: `garden-s${index}`, ...segment }))
  })
})

t.test('conversation transcript as text', async (t) => {
  const app = await storedConversation(t)

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations/garden/transcript', 'format=txt') })

  t.equal(response.headers['content-type'], 'text/plain; charset=utf-8')
  t.equal(response.body,
    'SPEAKER_01: So are we still doing the garden workday?\n' +
    'User: Yes, Saturday at 9 --> bring <gloves> & rakes.\n')
})

t.test('conversation transcript as SubRip', async (t) => {
  const app = await storedConversation(t)

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations/garden/transcript', 'format=srt') })

  t.equal(response.headers['content-type'], 'application/x-subrip; charset=utf-8')
  t.equal(response.body,
    '1\n00:00:00,480 --> 00:00:03,900\nSPEAKER_01: So are we still doing the garden workday?\n' +
    '\n' +
    '2\n00:00:04,200 --> 01:01:01,046\nUser: Yes, Saturday at 9 -> bring <gloves> & rakes.\n')
  const cues = response.body.split('\n\n')
  for (const [index, cue] of cues.entries()) {
    t.match(cue, new RegExp(`^${index + 1}\\n\\d{2}:\\d{2}:\\d{2},\\d{3} --> \\d{2}:\\d{2}:\\d{2},\\d{3}\\n[^\\n]+\\n?$`), `cue ${index + 1}`)
  }
})

t.test('conversation transcript as WebVTT', async (t) => {
  const app = await storedConversation(t)

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations/garden/transcript', 'format=vtt') })

  t.equal(response.headers['content-type'], 'text/vtt; charset=utf-8')
  t.equal(response.body,
    'WEBVTT\n' +
    '\n' +
    '00:00:00.480 --> 00:00:03.900\n<v SPEAKER_01>So are we still doing the garden workday?\n' +
    '\n' +
    '00:00:04.200 --> 01:01:01.046\n<v User>Yes, Saturday at 9 --&gt; bring &lt;gloves&gt; &amp; rakes.\n')
})

t.test('transcript format is validated', async (t) => {
  const app = await storedConversation(t)

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations/garden/transcript', 'format=docx') })

  t.equal(response.statusCode, 400)
  t.equal(response.json().message, 'querystring/format must be one of: json, txt, srt, vtt')
})

t.test('live transcript keeps the latest text', async (t) => {
  const app = await build(t)
  await deliver(app, 'user_1', { session_id: 'session_a', segments: [{ id: 's1', text: 'Remind me', speaker: 'SPEAKER_00', is_user: true, start: 41.36, end: 42 }] })
  await deliver(app, 'user_1', { session_id: 'session_a', segments: [{ id: 's1', text: 'Remind me to water the seedlings.', speaker: 'SPEAKER_00', is_user: true, start: 41.36, end: 44.12 }] })

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/transcripts') })

  t.equal(response.statusCode, 200)
  const [segment] = response.json().items
  t.equal(response.json().items.length, 1)
  t.equal(segment.text, 'Remind me to water the seedlings.')
  t.equal(segment.session_id, 'session_a')
  t.equal(segment.id, 's1')
  t.equal(segment.is_user, true)
  t.equal(segment.end, 44.12)
})

t.test('live transcript pages without gaps', async (t) => {
  const app = await build(t)
  const ids: string[] = []
  for (let delivery = 0; delivery < 5; delivery++) {
    // Segments of one delivery share their received time.
    const segments = [0, 1, 2].map((i) => ({ id: `d${delivery}-${i}`, text: `words ${delivery} ${i}`, start: delivery * 10 + i, end: delivery * 10 + i + 1 }))
    ids.push(...segments.map((segment) => segment.id))
    await deliver(app, 'user_1', { session_id: 'session_a', segments })
  }

  const { items, pages } = await readAllPages<{ id: string }>(app, apiUrl('user_1', '/transcripts', 'limit=2'))

  t.equal(pages, 8)
  t.equal(items.length, 15)
  t.same(items.map((item) => item.id).sort(), [...ids].sort())
})

t.test('live transcript filters by session', async (t) => {
  const app = await build(t)
  await deliver(app, 'user_1', { session_id: 'session_a', segments: [{ id: 'a', text: 'first', start: 0, end: 1 }] })
  await deliver(app, 'user_1', [{ id: 'b', text: 'second', start: 0, end: 1 }], '&session_id=session_b')
  await deliver(app, 'user_1', { type: 'transcript_segment', session_id: 'session_b', segment: { text: 'typed', start_time: 2, end_time: 3, confidence: 0.9 } })

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/transcripts', 'session_id=session_b&format=txt') })

  t.equal(response.body, 'Speaker: second\nSpeaker: typed\n')
})

t.test('live transcript filters by time', async (t) => {
  const app = await build(t)
  await deliver(app, 'user_1', { session_id: 'session_a', segments: [{ id: 'a', text: 'first', start: 0, end: 1 }] })

  const past = await app.inject({ method: 'GET', url: apiUrl('user_1', '/transcripts', 'since=2000-01-01T00:00:00Z') })
  const future = await app.inject({ method: 'GET', url: apiUrl('user_1', '/transcripts', 'since=2999-01-01T00:00:00Z') })

  t.equal(past.json().items.length, 1)
  t.same(future.json().items, [])
})

t.test('live transcript as subtitles', async (t) => {
  const app = await build(t)
  await deliver(app, 'user_1', {
    session_id: 'session_a',
    segments: [
      { id: 'late', text: 'Sure, and the basil.', speaker_id: 1, start: 44.7, end: 47.05 },
      { id: 'early', text: 'Water the tomatoes.', speaker: 'SPEAKER_00', start: 41.36, end: 44.12 }
    ]
  })

  const srt = await app.inject({ method: 'GET', url: apiUrl('user_1', '/transcripts', 'format=srt') })
  const vtt = await app.inject({ method: 'GET', url: apiUrl('user_1', '/transcripts', 'format=vtt') })

  t.equal(srt.body,
    '1\n00:00:41,360 --> 00:00:44,120\nSPEAKER_00: Water the tomatoes.\n\n' +
    '2\n00:00:44,700 --> 00:00:47,050\nSPEAKER_01: Sure, and the basil.\n')
  t.equal(vtt.body,
    'WEBVTT\n\n' +
    '00:00:41.360 --> 00:00:44.120\n<v SPEAKER_00>Water the tomatoes.\n\n' +
    '00:00:44.700 --> 00:00:47.050\n<v SPEAKER_01>Sure, and the basil.\n')
})
