import t from 'tap'
import { formatTimestamp, speakerLabel, toSrt } from '../src/export/transcript.js'
import { MAX_WAV_DATA_BYTES, wavHeader } from '../src/export/wav.js'
import { decodeCursor, encodeCursor } from '../src/storage/queries/cursor.js'
import { toMatchQuery } from '../src/storage/search.js'

const segment = { text: 'hello', speaker: null, speaker_id: null, is_user: null, start: 0, end: 1 }

t.test('timestamps round to milliseconds', async (t) => {
  t.equal(formatTimestamp(0, ','), '00:00:00,000')
  t.equal(formatTimestamp(59.9996, '.'), '00:01:00.000')
  t.equal(formatTimestamp(3723.0045, ','), '01:02:03,005')
  t.equal(formatTimestamp(360000, '.'), '100:00:00.000')
})

t.test('speaker label falls back', async (t) => {
  t.equal(speakerLabel({ ...segment, is_user: true, speaker: 'SPEAKER_00' }), 'User')
  t.equal(speakerLabel({ ...segment, speaker: 'SPEAKER_03' }), 'SPEAKER_03')
  t.equal(speakerLabel({ ...segment, speaker: ' ', speaker_id: 7 }), 'SPEAKER_07')
  t.equal(speakerLabel(segment), 'Speaker')
})

t.test('subtitles keep cues intact', async (t) => {
  const srt = toSrt([{ ...segment, text: 'line one\n\nline two', start: 5, end: 2 }])

  t.equal(srt, '1\n00:00:05,000 --> 00:00:05,000\nSpeaker: line one line two\n')
})

t.test('WAV header rejects oversized data', async (t) => {
  t.throws(() => wavHeader(16000, MAX_WAV_DATA_BYTES + 1), RangeError)
  t.equal(wavHeader(16000, MAX_WAV_DATA_BYTES).readUInt32LE(4), 0xffffffff)
})

t.test('cursor round trips its key', async (t) => {
  t.same(decodeCursor(encodeCursor([-1.25e-7, 'a', 'b']), ['number', 'string', 'string']), [-1.25e-7, 'a', 'b'])
  t.throws(() => decodeCursor(encodeCursor(['a']), ['number']), { code: 'OMI_INVALID_CURSOR' })
  t.throws(() => decodeCursor('%%%', ['number']), { code: 'OMI_INVALID_CURSOR' })
})

t.test('match query quotes each word', async (t) => {
  t.equal(toMatchQuery(' say "hi"  NEAR(x) '), '"say" """hi""" "NEAR(x)"')
  t.equal(toMatchQuery('   '), '')
})
