import type { Scenario } from './payloads.js'
import type { Measurement } from '../bench.js'

export interface Row {
  scenario: Scenario
  service: Measurement
  bare: Measurement
  /** The bare route plus the service's storage work, which shows how high a ratio the storage allows. */
  storageOnly: Measurement
  /** Deliveries committed during the service run, counted in the database. */
  stored: number
  /** Deliveries among them that the service stored as duplicates, which skip most storage work. */
  duplicates: number
}

const TARGET_P99_MS = 20
const TARGET_AUDIO_MB_S = 100

/** Formats one Markdown table row per scenario, with the ratio to the bare server. */
export function formatTable (rows: Row[], connections: number): string {
  const lines = [
    '| scenario | body | req/s | bare req/s | ratio | storage-only req/s | storage-only ratio | p50 / p99 ms | bare p50 / p99 ms | body MB/s | peak RSS MiB | bare peak RSS MiB | 2xx | committed | targets |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|'
  ]
  for (const row of rows) {
    const { service, bare, storageOnly } = row
    const ratio = service.rate / bare.rate
    const megabytes = service.rate * row.scenario.bodyBytes / 1e6
    lines.push('| ' + [
      row.scenario.name,
      formatBytes(row.scenario.bodyBytes),
      Math.round(service.rate),
      Math.round(bare.rate),
      ratio.toFixed(2),
      Math.round(storageOnly.rate),
      (storageOnly.rate / bare.rate).toFixed(2),
      `${formatMs(service.p50)} / ${service.p99}`,
      `${formatMs(bare.p50)} / ${bare.p99}`,
      megabytes.toFixed(1),
      service.peakRssMiB.toFixed(0),
      bare.peakRssMiB.toFixed(0),
      service.answered2xx,
      row.scenario.stores ? row.stored : '-',
      checkTargets(row, ratio, megabytes)
    ].join(' | ') + ' |')
  }
  lines.push('', `Latency is measured at ${connections} connections. "storage-only" is the bare route plus the service's storage work ` +
    '(recognising the body, the family handler and the group-committed write) without auth, validation, hooks, logs or metrics. ' +
    `"committed" counts the deliveries rows written during the run; it is at least the 2xx count when every 2xx was committed (requests in flight when the run stops are committed but not counted).`)
  return lines.join('\n')
}

function checkTargets (row: Row, ratio: number, megabytes: number): string {
  const misses: string[] = []
  const name = row.scenario.name
  if (name === 'ping' && ratio < 0.75) misses.push('ratio < 0.75')
  if ((name.startsWith('conversation 4') || name === 'live transcript') && ratio < 0.5) misses.push('ratio < 0.5')
  if (name.startsWith('raw audio') && megabytes < TARGET_AUDIO_MB_S) misses.push(`< ${TARGET_AUDIO_MB_S} MB/s`)
  if (!name.includes('2 MB') && row.service.p99 >= TARGET_P99_MS) misses.push(`p99 >= ${TARGET_P99_MS} ms`)
  if (row.scenario.stores && row.stored < row.service.answered2xx) misses.push('committed < 2xx')
  if (row.duplicates > 0) misses.push(`${row.duplicates} duplicates: the figures are invalid`)
  return misses.length === 0 ? 'met' : 'missed: ' + misses.join(', ')
}

/** One step of the run with many Omi users, each sending a live transcript and an audio piece a second. */
export interface UserRow {
  users: number
  /** Users whose first piece in this run creates their folder and audio file. */
  newUsers: number
  /** Requests per second sent, and with a 2xx response. */
  sent: number
  succeeded: number
  /** Latency of the 2xx responses, in milliseconds. */
  p50: number
  p99: number
  /** Responses other than 2xx, and requests that failed or got no response. */
  failed: number
}

/** Formats the many-users run as a table, one row per number of users. */
export function formatUsers (rows: UserRow[], seconds: number): string {
  const lines = [
    'Many Omi users at once: each user, with its own uid and so its own audio file, sends one live transcript and one ' +
    `32,000-byte audio piece a second. The requests are spread evenly over each second, ${seconds} s per row. ` +
    'A new user\'s first piece creates its folder and audio file, as every user\'s first piece of a UTC day creates a file.',
    '',
    '| users | new users | sent req/s | 2xx req/s | p50 / p99 ms | failed |',
    '|---:|---:|---:|---:|---:|---:|'
  ]
  for (const row of rows) {
    lines.push(`| ${row.users} | ${row.newUsers} | ${Math.round(row.sent)} | ${Math.round(row.succeeded)} | ${row.p50.toFixed(1)} / ${row.p99.toFixed(1)} | ${row.failed} |`)
  }
  return lines.join('\n')
}

/** Summarises the resident memory samples of the long mixed run. */
export function formatFlatness (samples: number[]): string {
  const middle = samples[Math.floor(samples.length / 2)]
  return `Memory over the mixed run (ping, live transcript, raw audio): RSS at start ${samples[0].toFixed(0)} MiB, ` +
    `middle ${middle.toFixed(0)} MiB, end ${samples[samples.length - 1].toFixed(0)} MiB, peak ${Math.max(...samples).toFixed(0)} MiB.`
}

/** Formats a mean of whole milliseconds, with one decimal only when it is not whole. */
function formatMs (ms: number): string {
  return Number.isInteger(ms) ? String(ms) : ms.toFixed(1)
}

function formatBytes (bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${bytes} B`
}
