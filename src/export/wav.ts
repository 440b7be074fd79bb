export const WAV_HEADER_BYTES = 44

/** Largest data chunk a RIFF file can describe: its size field is 32 bits and includes the header. */
export const MAX_WAV_DATA_BYTES = 0xffffffff - (WAV_HEADER_BYTES - 8)

/** Builds the 44-byte header of a WAV file holding `dataBytes` of 16-bit little-endian mono PCM. */
export function wavHeader (sampleRate: number, dataBytes: number): Buffer {
  if (dataBytes > MAX_WAV_DATA_BYTES) throw new RangeError(`Invalid WAV data size ${dataBytes}: a WAV file can contain at most ${MAX_WAV_DATA_BYTES} bytes of audio`)

  const channels = 1
  const bytesPerSample = 2
  const header = Buffer.alloc(WAV_HEADER_BYTES)
  header.write('RIFF', 0, 'ascii')
  header.writeUInt32LE(WAV_HEADER_BYTES - 8 + dataBytes, 4)
  header.write('WAVE', 8, 'ascii')
  header.write('fmt ', 12, 'ascii')
  header.writeUInt32LE(16, 16) // size of the fmt chunk
  header.writeUInt16LE(1, 20) // format 1: integer PCM
  header.writeUInt16LE(channels, 22)
  header.writeUInt32LE(sampleRate, 24)
  header.writeUInt32LE(sampleRate * channels * bytesPerSample, 28)
  header.writeUInt16LE(channels * bytesPerSample, 32)
  header.writeUInt16LE(bytesPerSample * 8, 34)
  header.write('data', 36, 'ascii')
  header.writeUInt32LE(dataBytes, 40)
  return header
}
