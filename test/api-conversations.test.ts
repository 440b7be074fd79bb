import t from 'tap'
import { build, testEnv } from './helpers/build.js'
import { apiUrl, conversation, deliver, readAllPages } from './helpers/api.js'

interface Summary { id: string, title: string | null, created_at: string }

t.test('conversation list shows typed and bare deliveries', async (t) => {
  const app = await build(t)
  await deliver(app, 'user_1', { type: 'memory_created', memory: conversation({ id: 'typed', created_at: '2026-11-30T10:00:00Z' }) })
  await deliver(app, 'user_1', conversation({ id: 'bare', created_at: '2026-11-30T11:00:00+00:00', title: 'Garden workday' }))

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations') })

  t.equal(response.statusCode, 200)
  t.same(response.json(), {
    items: [
      {
        id: 'bare',
        created_at: '2026-11-30T11:00:00.000Z',
        started_at: '2026-11-30T16:31:12.000Z',
        finished_at: '2026-11-30T16:41:55.000Z',
        title: 'Garden workday',
        overview: '',
        emoji: '🌱',
        category: 'social',
        source: 'omi',
        language: 'en'
      },
      {
        id: 'typed',
        created_at: '2026-11-30T10:00:00.000Z',
        started_at: '2026-11-30T16:31:12.000Z',
        finished_at: '2026-11-30T16:41:55.000Z',
        title: 'Conversation typed',
        overview: '',
        emoji: '🌱',
        category: 'social',
        source: 'omi',
        language: 'en'
      }
    ],
    next_cursor: null
  })
})

t.test('conversation list pages without gaps', async (t) => {
  const app = await build(t)
  const ids: string[] = []
  for (let i = 0; i < 23; i++) {
    const id = `c${String(i).padStart(2, '0')}`
    ids.push(id)
    // Groups of five share one created_at, so only the id separates them.
    await deliver(app, 'user_1', conversation({ id, created_at: `2026-11-30T10:0${Math.floor(i / 5)}:00Z` }))
  }

  const { items, pages } = await readAllPages<Summary>(app, apiUrl('user_1', '/conversations', 'limit=4'))

  t.equal(pages, 6)
  t.same(items.map((item) => item.id), [...ids].reverse())
})

t.test('conversation list filters by time', async (t) => {
  const app = await build(t)
  await deliver(app, 'user_1', conversation({ id: 'early', created_at: '2026-11-29T23:59:59Z' }))
  await deliver(app, 'user_1', conversation({ id: 'inside', created_at: '2026-11-30T12:00:00Z' }))
  await deliver(app, 'user_1', conversation({ id: 'late', created_at: '2026-12-01T00:00:00Z' }))

  const response = await app.inject({
    method: 'GET',
    url: apiUrl('user_1', '/conversations', 'since=2026-11-30T00:00:00Z&until=2026-12-01T01:00:00%2B01:00')
  })

  t.same(response.json().items.map((item: Summary) => item.id), ['inside'])
})

t.test('search ranks the better match first', async (t) => {
  const app = await build(t)
  await deliver(app, 'user_1', conversation({
    id: 'passing',
    title: 'Weekly groceries',
    segments: [{ text: 'We also talked about compost for a minute.', start: 0, end: 2 }]
  }))
  await deliver(app, 'user_1', conversation({
    id: 'focused',
    title: 'Compost delivery',
    overview: 'Ordering compost for the garden beds.',
    segments: [{ text: 'The compost arrives on Friday.', start: 0, end: 2 }]
  }))
  await deliver(app, 'user_1', conversation({ id: 'unrelated', title: 'Car repair' }))
  await deliver(app, 'user_2', conversation({ id: 'other-user', title: 'Compost compost compost' }))

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations', 'q=compost') })

  t.equal(response.statusCode, 200)
  t.same(response.json().items.map((item: Summary) => item.id), ['focused', 'passing'])
})

t.test('search finds transcript text', async (t) => {
  const app = await build(t)
  await deliver(app, 'user_1', conversation({ id: 'spoken', segments: [{ text: 'Remind me about the tomato seedlings', start: 0, end: 2 }] }))

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations', 'q=TOMATO%20seedlings') })

  t.same(response.json().items.map((item: Summary) => item.id), ['spoken'])
})

t.test('search ignores the owner column', async (t) => {
  const app = await build(t)
  await deliver(app, 'user_1', conversation({ id: 'mine', title: 'Garden plans' }))

  // The search index keeps each conversation's owner as the hex of its uid, in a column of its own.
  for (const q of [Buffer.from('user_1').toString('hex'), 'owner']) {
    const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations', `q=${q}`) })

    t.same(response.json().items, [], `q=${q}`)
  }
})

t.test('search follows conversation updates', async (t) => {
  const app = await build(t)
  await deliver(app, 'user_1', conversation({ id: 'changing', title: 'Draft title' }))
  await deliver(app, 'user_1', conversation({ id: 'changing', title: 'Final title' }))

  const draft = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations', 'q=draft') })
  const final = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations', 'q=final') })

  t.same(draft.json().items, [])
  t.same(final.json().items.map((item: Summary) => item.id), ['changing'])
})

t.test('search pages without gaps', async (t) => {
  const app = await build(t)
  const ids: string[] = []
  for (let i = 0; i < 12; i++) {
    ids.push(`m${i}`)
    // Equal text gives equal scores, so the cursor must fall back on time and id.
    await deliver(app, 'user_1', conversation({ id: `m${i}`, title: 'Garden plans', created_at: `2026-11-30T10:0${i % 3}:00Z` }))
  }

  const { items, pages } = await readAllPages<Summary>(app, apiUrl('user_1', '/conversations', 'q=garden&limit=5'))

  t.equal(pages, 3)
  t.same(items.map((item) => item.id).sort(), [...ids].sort())
  t.equal(new Set(items.map((item) => item.id)).size, 12)
})

t.test('search treats query syntax as text', async (t) => {
  const app = await build(t)
  await deliver(app, 'user_1', conversation({ id: 'quoted', title: 'He said "NEAR" AND left (quickly)' }))

  const queries = ['"unbalanced', 'NEAR(', 'AND', '*', 'title:x', '-', '(quickly)', 'quickly\0left']
  for (const q of queries) {
    const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations', `q=${encodeURIComponent(q)}`) })

    t.equal(response.statusCode, 200, `q=${JSON.stringify(q)}`)
  }
  const match = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations', `q=${encodeURIComponent('"near" (quickly)')}`) })
  t.same(match.json().items.map((item: Summary) => item.id), ['quoted'])
  const split = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations', `q=${encodeURIComponent('quickly\0left')}`) })
  t.same(split.json().items.map((item: Summary) => item.id), ['quoted'], 'a NUL character separates words')
})

t.test('blank search lists everything', async (t) => {
  const app = await build(t)
  await deliver(app, 'user_1', conversation({ id: 'one' }))

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations', 'q=%20%20') })

  t.same(response.json().items.map((item: Summary) => item.id), ['one'])
})

t.test('conversation list rejects bad parameters', async (t) => {
  const app = await build(t)
  const cases = [
    { query: 'limit=0', field: 'querystring/limit' },
    { query: 'limit=501', field: 'querystring/limit' },
    { query: 'limit=many', field: 'querystring/limit' },
    { query: 'since=yesterday', field: 'querystring/since' },
    { query: 'until=2026-13', field: 'querystring/until' },
    { query: 'cursor=not-a-cursor', field: 'querystring/cursor' },
    { query: 'q=' + 'x'.repeat(501), field: 'querystring/q' }
  ]

  for (const { query, field } of cases) {
    const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations', query) })

    t.equal(response.statusCode, 400, query)
    t.match(response.json().message, field, query)
  }
})

t.test('cursor of another list is rejected', async (t) => {
  const app = await build(t)
  for (const id of ['a', 'b']) await deliver(app, 'user_1', conversation({ id, title: 'garden' }))
  const plain = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations', 'limit=1') })

  const response = await app.inject({
    method: 'GET',
    url: apiUrl('user_1', '/conversations', `q=garden&limit=1&cursor=${plain.json().next_cursor as string}`)
  })

  t.equal(response.statusCode, 400)
  t.equal(response.json().code, 'OMI_INVALID_CURSOR')
})

t.test('invalid uid in path is rejected', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'GET', url: apiUrl('bad.uid', '/conversations') })

  t.equal(response.statusCode, 400)
  t.match(response.json().message, 'params/uid')
})

t.test('conversation is returned as received', async (t) => {
  const app = await build(t)
  const body = { ...conversation({ id: 'full' }), photos: [], apps_results: [{ app_id: 'x', content: 'kept' }] }
  await deliver(app, 'user_1', body)

  const response = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations/full') })

  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], 'application/json')
  t.same(response.json(), body)
})

t.test('unknown conversation is 404', async (t) => {
  const app = await build(t)
  await deliver(app, 'user_2', conversation({ id: 'theirs' }))

  const detail = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations/theirs') })
  const transcript = await app.inject({ method: 'GET', url: apiUrl('user_1', '/conversations/theirs/transcript') })
  const erase = await app.inject({ method: 'DELETE', url: apiUrl('user_1', '/conversations/theirs') })

  t.equal(detail.statusCode, 404)
  t.equal(detail.json().code, 'OMI_CONVERSATION_NOT_FOUND')
  t.equal(transcript.statusCode, 404)
  t.equal(erase.statusCode, 404)
})

t.test('read API requires the secret', async (t) => {
  const app = await build(t, testEnv(t, { AUTH_FAILURE_LIMIT: '100' }))
  const urls = [
    '/v1/users/user_1/conversations',
    '/v1/users/user_1/conversations/x',
    '/v1/users/user_1/conversations/x/transcript',
    '/v1/users/user_1/transcripts',
    '/v1/users/user_1/audio',
    '/v1/users/user_1/audio/spans',
    '/v1/users/user_1/day-summaries',
    '/v1/users/user_1/events'
  ]

  for (const url of urls) {
    const missing = await app.inject({ method: 'GET', url })
    const wrong = await app.inject({ method: 'GET', url, headers: { authorization: 'Bearer wrong-secret-0123456789' } })

    t.equal(missing.statusCode, 401, url)
    t.equal(wrong.statusCode, 401, url)
  }
  for (const url of ['/v1/users/user_1', '/v1/users/user_1/conversations/x']) {
    const response = await app.inject({ method: 'DELETE', url })

    t.equal(response.statusCode, 401, `DELETE ${url}`)
  }
})

t.test('bearer secret reads the API', async (t) => {
  const app = await build(t)

  const response = await app.inject({
    method: 'GET',
    url: '/v1/users/user_1/conversations',
    headers: { authorization: 'Bearer test-secret-0123456789abcdef' }
  })

  t.equal(response.statusCode, 200)
})
