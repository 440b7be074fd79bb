/** The fields of a transcript segment that the text formats use. Times are in seconds. */
export interface TimedSegment {
  text: string
  speaker: string | null
  speaker_id: number | null
  is_user: boolean | null
  start: number
  end: number
}

export type TextFormat = 'txt' | 'srt' | 'vtt'

export const CONTENT_TYPES: Record<TextFormat, string> = {
  txt: 'text/plain; charset=utf-8',
  srt: 'application/x-subrip; charset=utf-8',
  vtt: 'text/vtt; charset=utf-8'
}

/** Formats segments as plain text, subtitles in SubRip (SRT), or WebVTT. */
export function formatTranscript (segments: TimedSegment[], format: TextFormat): string {
  if (format === 'srt') return toSrt(segments)
  if (format === 'vtt') return toVtt(segments)
  return toText(segments)
}

/** Formats one line per segment: `Speaker: text`. */
export function toText (segments: TimedSegment[]): string {
  return segments.map((segment) => `${speakerLabel(segment)}: ${oneLine(segment.text)}\n`).join('')
}

/** SubRip: numbered cues from 1, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, separated by blank lines. */
export function toSrt (segments: TimedSegment[]): string {
  return segments.map((segment, index) => {
    // A line with "-->" would read as a timing line, so the arrow is shortened.
    const text = oneLine(segment.text).replaceAll('-->', '->')
    return `${index + 1}\n${timing(segment, ',')}\n${speakerLabel(segment)}: ${text}\n`
  }).join('\n')
}

/** WebVTT: the `WEBVTT` header, then cues with `HH:MM:SS.mmm` times and the speaker as a voice span. */
export function toVtt (segments: TimedSegment[]): string {
  const cues = segments.map((segment) =>
    `${timing(segment, '.')}\n<v ${escapeVtt(speakerLabel(segment))}>${escapeVtt(oneLine(segment.text))}\n`)
  return ['WEBVTT\n', ...cues].join('\n')
}

/** Returns the speaker's name: "User" for the wearer, else Omi's label such as SPEAKER_00. */
export function speakerLabel (segment: TimedSegment): string {
  if (segment.is_user === true) return 'User'
  if (segment.speaker !== null && segment.speaker.trim() !== '') return oneLine(segment.speaker)
  if (segment.speaker_id !== null) return `SPEAKER_${String(segment.speaker_id).padStart(2, '0')}`
  return 'Speaker'
}

/** Formats seconds as HH:MM:SS followed by `separator` and milliseconds. Hours grow past two digits when needed. */
export function formatTimestamp (seconds: number, separator: ',' | '.'): string {
  const totalMs = Math.round(seconds * 1000)
  const ms = totalMs % 1000
  const totalSeconds = Math.floor(totalMs / 1000)
  const parts = [Math.floor(totalSeconds / 3600), Math.floor(totalSeconds / 60) % 60, totalSeconds % 60]
  return parts.map((part) => String(part).padStart(2, '0')).join(':') + separator + String(ms).padStart(3, '0')
}

function timing (segment: TimedSegment, separator: ',' | '.'): string {
  // Subtitle players reject cues that end before they start.
  const end = Math.max(segment.start, segment.end)
  return `${formatTimestamp(segment.start, separator)} --> ${formatTimestamp(end, separator)}`
}

/** Line breaks inside a cue would end it early, so text is kept on one line. */
function oneLine (text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim()
}

function escapeVtt (text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}
