import createError from '@fastify/error'

export const InvalidHexError = createError('OMI_INVALID_HEX', 'body/audio must be hex digits (0-9, a-f); found %s at position %d', 400)
export const OddHexError = createError('OMI_ODD_HEX', 'body/audio has an odd number of hex digits (%d); every byte needs two', 400)
export const EmptyAudioError = createError('OMI_EMPTY_AUDIO', '%s is empty; send at least one 16-bit sample', 400)
export const PartialSampleError = createError('OMI_PARTIAL_SAMPLE',
  '%s has %d bytes, which is not a whole number of 16-bit samples', 400)

const NOT_HEX = /[^0-9a-fA-F]/

/** Decodes hex-encoded PCM, rejecting anything Buffer.from would silently truncate. */
export function decodeHexAudio (hex: string): Buffer {
  // Buffer.from stops at the first pair that is not hex but reads only the low byte of non-ASCII characters
  // ("а", U+0430, decodes as "0"), so only an ASCII text decoded in full proves every digit valid.
  // The regular expression, as slow as decoding in a profile, then runs only to name the invalid digit.
  const pcm = Buffer.from(hex, 'hex')
  if (pcm.length * 2 === hex.length && Buffer.byteLength(hex, 'utf8') === hex.length) return pcm

  const bad = NOT_HEX.exec(hex)
  if (bad !== null) throw new InvalidHexError(JSON.stringify(bad[0]), bad.index)
  throw new OddHexError(hex.length)
}

/** Checks that `pcm` contains one or more whole signed 16-bit samples. */
export function checkPcm (pcm: Buffer, what: string): void {
  if (pcm.length === 0) throw new EmptyAudioError(what)
  if (pcm.length % 2 !== 0) throw new PartialSampleError(what, pcm.length)
}
