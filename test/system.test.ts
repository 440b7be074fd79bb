import t from 'tap'
import { build, webhookUrl } from './helpers/build.js'

t.test('ping replies pong', async (t) => {
  const app = await build(t)

  const response = await app.inject({ method: 'POST', url: webhookUrl(), payload: { type: 'ping' } })

  t.equal(response.statusCode, 200)
  t.same(response.json(), { message: 'pong' })
})
