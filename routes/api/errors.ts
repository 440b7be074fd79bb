import createError from '@fastify/error'

export const ConversationNotFoundError = createError('OMI_CONVERSATION_NOT_FOUND', 'No conversation with id %s is stored for this uid', 404)
export const NoAudioError = createError('OMI_NO_AUDIO', 'No audio is stored for this uid in the requested time range', 404)
export const MixedSampleRatesError = createError('OMI_MIXED_SAMPLE_RATES',
  'The requested time range holds audio at several sample rates (%s Hz); add sample_rate, or narrow from and to to one stretch listed by /audio/spans', 400)
export const AudioTooLargeError = createError('OMI_AUDIO_TOO_LARGE',
  'The requested time range holds %d bytes of audio, more than one WAV file can hold (%d); narrow from and to', 400)
