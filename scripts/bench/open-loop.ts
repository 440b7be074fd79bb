import { Agent, request } from 'node:http'

/** One request of an open-loop run. */
export interface OpenLoopRequest {
  path: string
  contentType: string
  body: string | Buffer
}

export interface OpenLoopResult {
  /** Requests per second sent, and with a 2xx response, over the sending time. */
  sentRate: number
  successRate: number
  /** Latency of each 2xx response in milliseconds, sorted. */
  latencies: number[]
  /** Responses other than 2xx, and requests that failed or got no response. */
  failed: number
}

const MAX_DRAIN_MS = 10_000

/**
 * Sends `rate` requests a second for `seconds`, spread evenly over each
 * second whatever the responses, and records the latency of each. autocannon's
 * fixed rate sends each connection's share of a second in a burst at the
 * start of the second, so it measures a burst, not a steady stream.
 */
export async function openLoop (origin: string, rate: number, seconds: number, next: (n: number) => OpenLoopRequest): Promise<OpenLoopResult> {
  const url = new URL(origin)
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 })
  const latencies: number[] = []
  let failed = 0
  let sent = 0
  let inFlight = 0

  const send = (): void => {
    const { path, contentType, body } = next(sent++)
    const started = performance.now()
    inFlight++
    const done = (ok: boolean): void => {
      inFlight--
      if (ok) latencies.push(performance.now() - started)
      else failed++
    }
    const outgoing = request({ agent, host: url.hostname, port: url.port, method: 'POST', path, headers: { 'content-type': contentType } }, (response) => {
      response.resume()
      response.on('end', () => { done(response.statusCode !== undefined && response.statusCode < 300) })
    })
    outgoing.on('error', () => { done(false) })
    outgoing.end(body)
  }

  const start = performance.now()
  const total = Math.round(rate * seconds)
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor((performance.now() - start) / 1000 * rate))
      while (sent < due) send()
      if (sent >= total) {
        clearInterval(timer)
        resolve()
      }
    }, 1)
  })
  const sendingSeconds = (performance.now() - start) / 1000

  const drainUntil = performance.now() + MAX_DRAIN_MS
  while (inFlight > 0 && performance.now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 10))
  failed += inFlight
  agent.destroy()

  latencies.sort((a, b) => a - b)
  return { sentRate: sent / sendingSeconds, successRate: latencies.length / sendingSeconds, latencies, failed }
}

/** Returns the `fraction` quantile of sorted values, or NaN when there are none. */
export function quantile (sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]
}
