import t from 'tap'
import { toUtcIso } from '../src/schemas/common.js'

t.test('timestamps convert to UTC with milliseconds', async (t) => {
  const cases: Array<[string, string]> = [
    ['2026-11-30T16:42:07.123456+00:00', '2026-11-30T16:42:07.123Z'],
    ['2026-11-30T16:42:07Z', '2026-11-30T16:42:07.000Z'],
    ['2026-11-30 16:42:07', '2026-11-30T16:42:07.000Z'],
    ['2026-11-30T16:42:07.5-00:00', '2026-11-30T16:42:07.500Z'],
    ['2026-11-30T16:42:07.1-05:30', '2026-11-30T22:12:07.100Z'],
    ['2026-11-30T01:00:00+02:00', '2026-11-29T23:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z']
  ]

  for (const [timestamp, expected] of cases) t.equal(toUtcIso(timestamp), expected, timestamp)
})

t.test('rare forms take the slower parser', async (t) => {
  t.equal(toUtcIso('2026-11-30T24:00:00Z'), '2026-12-01T00:00:00.000Z')
  t.equal(toUtcIso('2026-11-30T24:00:00'), '2026-12-01T00:00:00.000Z')
  t.equal(toUtcIso('2026-11-30T16:42:07+0530'), '2026-11-30T11:12:07.000Z')
  t.equal(toUtcIso('0050-01-01T00:00:00Z'), '0050-01-01T00:00:00.000Z')
})

t.test('impossible dates throw', async (t) => {
  for (const timestamp of ['2026-02-29T00:00:00Z', '2100-02-29T00:00:00Z', '2026-11-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-30T23:59:60Z']) {
    t.throws(() => toUtcIso(timestamp), RangeError, timestamp)
  }
})
