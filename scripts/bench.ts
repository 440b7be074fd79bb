import autocannon, { type Result } from 'autocannon'
import Database from 'better-sqlite3'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildScenarios, type Scenario } from './bench/payloads.js'
import { memoryOf, sampleRss, startNode, stopNode, type Child } from './bench/processes.js'
import { formatFlatness, formatTable, formatUsers, type Row, type UserRow } from './bench/report.js'
import { openLoop, quantile } from './bench/open-loop.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)
const FLAT_REQUESTS = Number(process.env.BENCH_FLAT_REQUESTS ?? 200_000)
const ONLY = (process.env.BENCH_SCENARIOS ?? '').split(';').map((name) => name.trim()).filter((name) => name !== '')
const USER_COUNTS = (process.env.BENCH_USERS ?? '500;1000;2000;3000').split(';').map(Number)
const FLAT_MAX_SECONDS = 600
const WARM_UP_SECONDS = 2
const SECRET = 'bench-secret-0123456789abcdef'
const ROOT = new URL('../../', import.meta.url)
const REPORT = new URL('docs/benchmarks.md', ROOT)

/** Numbers every request of the whole run, warm-up included, so no body id is ever sent twice. */
let requestNumber = 0

/**
 * Loads the service, a bare Fastify server and a server that does only the
 * service's storage work side by side, scenario by scenario, and writes the
 * table to docs/benchmarks.md. BENCH_SECONDS sets the seconds per scenario
 * and server, BENCH_FLAT_REQUESTS the size of the memory-flatness run.
 * BENCH_SCENARIOS (names separated by semicolons) runs only those scenarios,
 * skips the memory run and leaves docs/benchmarks.md alone.
 */
async function main (): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'omi-bench-'))
  const service = await startNode(new URL('build/src/server.js', ROOT).pathname,
    { DATA_DIR: dataDir, WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }, '/health')
  const bare = await startNode(new URL('build/scripts/bench/bare-server.js', ROOT).pathname, {}, '/webhook', 'POST')
  const storageDir = mkdtempSync(join(tmpdir(), 'omi-bench-storage-'))
  const storageOnly = await startNode(new URL('build/scripts/bench/storage-server.js', ROOT).pathname,
    { DATA_DIR: storageDir }, '/webhook', 'POST')
  const db = new Database(join(dataDir, 'omi-webhook.sqlite'), { readonly: true })

  try {
    const all = buildScenarios()
    const scenarios = ONLY.length === 0 ? all : all.filter((scenario) => ONLY.includes(scenario.name))
    // The service has the most code for the JIT to compile, so every server first runs every scenario.
    for (const scenario of scenarios) {
      for (const child of [bare, storageOnly, service]) await load(child, scenario, { duration: WARM_UP_SECONDS })
    }

    const rows: Row[] = []
    for (const scenario of scenarios) {
      const before = outcomeCounts(db)
      const [baseline, ceiling, measured] = await measureSideBySide([bare, storageOnly, service], scenario)
      const after = outcomeCounts(db)
      const duplicates = after.duplicates - before.duplicates
      rows.push({
        scenario,
        service: measured,
        bare: baseline,
        storageOnly: ceiling,
        stored: after.committed - before.committed,
        duplicates
      })
      process.stdout.write(`${scenario.name}: ${Math.round(measured.rate)} req/s (bare ${Math.round(baseline.rate)}, ` +
        `storage only ${Math.round(ceiling.rate)}), ${duplicates} duplicates\n`)
    }

    if (ONLY.length > 0) return

    const users = await measureUsers(service, scenarios)
    const flat = await measureFlatness(service, scenarios)
    const header = `Node ${process.version}, ${availableParallelism()} cores (os.availableParallelism), ` +
      `${CONNECTIONS} connections, ${SECONDS} s per scenario and server, ${new Date().toISOString().slice(0, 10)}.`
    const report = [header, '', formatTable(rows, CONNECTIONS), '', formatUsers(users, SECONDS / 2), '', formatFlatness(flat)].join('\n')
    process.stdout.write('\n' + report + '\n')
    writeReport(report)
  } finally {
    db.close()
    await stopNode(service)
    await stopNode(bare)
    await stopNode(storageOnly)
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(storageDir, { recursive: true, force: true })
  }
}

export interface Measurement {
  /** Requests per second over both halves: completed requests divided by seconds. */
  rate: number
  /** Latency in ms: the mean p50 and the higher p99 of both halves. */
  p50: number
  p99: number
  answered2xx: number
  peakRssMiB: number
}

/**
 * Loads each server for half of BENCH_SECONDS in the order given, then again
 * in reverse order, so that the machine's speed drifting during a scenario
 * weighs on every server alike. Only the service writes to its data folder,
 * so rows counted there before and after belong to the service's runs.
 */
async function measureSideBySide (children: Child[], scenario: Scenario): Promise<Measurement[]> {
  const halves: Array<Array<{ result: Result, peakRssMiB: number }>> = children.map(() => [])
  const forward = children.map((_child, index) => index)
  for (const index of [...forward, ...[...forward].reverse()]) {
    const sampler = sampleRss(children[index].process.pid as number)
    const result = await load(children[index], scenario, { duration: SECONDS / 2 })
    halves[index].push({ result, peakRssMiB: Math.max(...sampler.stop()) })
  }

  return halves.map((runs) => {
    const mean = (value: (result: Result) => number) => runs.reduce((sum, run) => sum + value(run.result), 0) / runs.length
    return {
      rate: runs.reduce((sum, run) => sum + run.result.requests.total, 0) / runs.reduce((sum, run) => sum + run.result.duration, 0),
      p50: mean((result) => result.latency.p50),
      p99: Math.max(...runs.map((run) => run.result.latency.p99)),
      answered2xx: runs.reduce((sum, run) => sum + run.result['2xx'], 0),
      peakRssMiB: Math.max(...runs.map((run) => run.peakRssMiB))
    }
  })
}

/**
 * Loads the service as many Omi users at once, each sending one live
 * transcript and one raw audio piece a second, spread evenly over time.
 * Each user has its own uid, so its own audio file. Every count of
 * USER_COUNTS runs twice: first with the users new since the last count,
 * whose first piece creates their folder and file, then with all known.
 */
async function measureUsers (service: Child, scenarios: Scenario[]): Promise<UserRow[]> {
  const perUser = scenarios.filter((scenario) => ['live transcript', 'raw audio 32,000 B'].includes(scenario.name))
  const rows: UserRow[] = []
  let known = 0
  for (const users of USER_COUNTS) {
    for (const newUsers of [Math.max(0, users - known), 0]) {
      const rate = users * perUser.length
      const result = await openLoop(service.origin, rate, SECONDS / 2, (n) => {
        const scenario = perUser[n % perUser.length]
        const uid = `user_${Math.floor(n / perUser.length) % users}`
        return { path: webhookPath(uid, scenario), contentType: scenario.contentType, body: scenario.body(requestNumber++) }
      })
      const row = {
        users,
        newUsers,
        sent: result.sentRate,
        succeeded: result.successRate,
        p50: quantile(result.latencies, 0.5),
        p99: quantile(result.latencies, 0.99),
        failed: result.failed
      }
      rows.push(row)
      process.stdout.write(`${users} users (${newUsers} new): ${Math.round(row.succeeded)} of ${rate} req/s, ` +
        `p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, ${row.failed} failed\n`)
    }
    known = Math.max(known, users)
  }
  return rows
}

async function measureFlatness (service: Child, scenarios: Scenario[]): Promise<number[]> {
  const mixed = scenarios.filter((scenario) => ['ping', 'live transcript', 'raw audio 32,000 B'].includes(scenario.name))
  const pid = service.process.pid as number
  const samples: number[] = [memoryOf(pid, 'VmRSS')]
  const timer = setInterval(() => samples.push(memoryOf(pid, 'VmRSS')), 250)

  const instance = run(service, mixed, { amount: FLAT_REQUESTS })
  const limit = setTimeout(() => instance.stop(), FLAT_MAX_SECONDS * 1000)
  const result = await instance
  clearTimeout(limit)
  clearInterval(timer)
  samples.push(memoryOf(pid, 'VmRSS'))
  process.stdout.write(`flatness run: ${result['2xx']} answered 2xx, ${result.non2xx} other, ${result.errors} errors\n`)
  return samples
}

function load (child: Child, scenario: Scenario, limits: { duration?: number, amount?: number }): PromiseLike<Result> {
  return run(child, [scenario], limits)
}

function run (child: Child, scenarios: Scenario[], limits: { duration?: number, amount?: number }) {
  return autocannon({
    url: child.origin,
    connections: CONNECTIONS,
    ...limits,
    requests: scenarios.map((scenario) => ({
      method: 'POST',
      path: webhookPath('bench_user', scenario),
      headers: { 'content-type': scenario.contentType },
      setupRequest: (request) => ({ ...request, body: scenario.body(requestNumber++) })
    }))
  })
}

function webhookPath (uid: string, scenario: Scenario): string {
  return `/webhook?uid=${uid}&key=${SECRET}${scenario.query}`
}

/** Counts the deliveries committed with a 2xx outcome (pings store nothing), and the duplicates among them. */
function outcomeCounts (db: Database.Database): { committed: number, duplicates: number } {
  return db.prepare(`SELECT count(*) AS committed, count(*) FILTER (WHERE outcome = 'duplicate') AS duplicates
    FROM deliveries WHERE outcome IN ('stored', 'updated', 'duplicate')`).get() as { committed: number, duplicates: number }
}

/** Replaces the generated part of docs/benchmarks.md, keeping the text around it. */
function writeReport (report: string): void {
  const start = '<!-- results:start -->'
  const end = '<!-- results:end -->'
  const current = existsSync(REPORT) ? readFileSync(REPORT, 'utf8') : `# Benchmarks\n\n${start}\n${end}\n`
  const before = current.slice(0, current.indexOf(start) + start.length)
  const after = current.slice(current.indexOf(end))
  writeFileSync(REPORT, `${before}\n${report}\n${after}`)
}

await main()
