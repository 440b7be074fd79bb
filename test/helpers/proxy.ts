import t, { type Test } from 'tap'
import type { ChildProcess } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, testEnv, webhookUrl } from './build.js'
import { freePort, httpRequest, waitFor } from './net.js'

/** Starts a proxy process in `dir`, listening on 127.0.0.1:`port` and forwarding to `upstreamPort`. */
export type ProxyLauncher = (dir: string, port: number, upstreamPort: number) => ChildProcess

/** A running proxy: its port, its folder and what it has written to stderr so far. */
export interface RunningProxy {
  port: number
  dir: string
  stderr: () => string
}

/**
 * Launches a proxy in a new temporary folder and waits until it accepts
 * connections on its port. The proxy stops and its folder is removed when
 * the test ends.
 */
export async function launchProxy (t: Test, name: string, upstreamPort: number, launch: ProxyLauncher): Promise<RunningProxy> {
  const dir = mkdtempSync(join(tmpdir(), `omi-${name}-`))
  const port = await freePort()
  const proxy = launch(dir, port, upstreamPort)
  let stderr = ''
  proxy.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  t.teardown(async () => {
    const exited = new Promise((resolve) => proxy.once('exit', resolve))
    proxy.kill('SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true })
  })

  await waitFor(async () => {
    /* c8 ignore next: runs only when the proxy rejects its configuration, and then the test fails with its message. */
    if (proxy.exitCode !== null) throw new Error(`${name} exited with ${proxy.exitCode}: ${stderr}`)
    return await httpRequest({ port, path: '/health' }).then(() => true, () => false)
  }, 10_000, `${name} to accept connections`)
  return { port, dir, stderr: () => stderr }
}

/** Starts the app on a real port and a reverse proxy in front of it. Both stop when the test ends. */
export async function startBehindProxy (t: Test, name: string, trustProxy: string, launch: ProxyLauncher) {
  const lines: string[] = []
  const app = await build(t, testEnv(t, { TRUST_PROXY: trustProxy, LOG_LEVEL: 'info' }), { write: (line) => { lines.push(line) } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port: upstreamPort } = app.server.address() as AddressInfo

  const proxy = await launchProxy(t, name, upstreamPort, launch)
  return { ...proxy, lines }
}

/** Returns the delivery log lines among the JSON lines the app wrote. */
export function deliveryLines (lines: string[]): Array<Record<string, unknown>> {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.msg === 'delivery')
}

// Loopback is all of 127.0.0.0/8 on Linux, so the client can use another address than the proxy uses upstream.
export const CLIENT_ADDRESS = '127.0.0.2'

/** Starts the app behind one proxy configuration, with `trustProxy` as TRUST_PROXY. */
export type StartBehind = (t: Test, trustProxy: string) => Promise<{ port: number, lines: string[] }>

/**
 * Registers the tests that every documented proxy configuration passes, with
 * names that start with `name`. Deliveries and their request ids pass
 * through, and the log shows the real client address. Bodies over
 * `bodyLimit` get 413 without reaching the service, and audio just under it
 * is stored.
 */
export function testProxy (name: string, start: StartBehind, bodyLimit: number, skip: string | false): void {
  const ping = (port: number, headers: Record<string, string> = {}) => httpRequest({
    port,
    path: webhookUrl(),
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ type: 'ping' }),
    localAddress: CLIENT_ADDRESS
  })

  t.test(`${name} passes deliveries through`, { skip }, async (t) => {
    const { port } = await start(t, '127.0.0.1')

    const response = await ping(port, { 'x-request-id': 'proxy-test-1' })

    t.equal(response.statusCode, 200)
    t.same(JSON.parse(response.body), { message: 'pong' })
    t.equal(response.headers['x-request-id'], 'proxy-test-1')
  })

  t.test(`${name} trusted: client address logged`, { skip }, async (t) => {
    const { port, lines } = await start(t, '127.0.0.1')

    await ping(port, { 'x-forwarded-for': '198.51.100.9' })

    t.equal(deliveryLines(lines)[0]?.remoteAddress, CLIENT_ADDRESS)
  })

  t.test(`${name} untrusted: own address logged`, { skip }, async (t) => {
    const { port, lines } = await start(t, 'false')

    await ping(port)

    t.equal(deliveryLines(lines)[0]?.remoteAddress, '127.0.0.1')
  })

  // Trusting every hop makes the service take the first X-Forwarded-For entry, so a forged one passed on would show.
  t.test(`${name} drops a forged forwarded address`, { skip }, async (t) => {
    const { port, lines } = await start(t, 'true')

    await ping(port, { 'x-forwarded-for': '198.51.100.9' })

    t.equal(deliveryLines(lines)[0]?.remoteAddress, CLIENT_ADDRESS)
  })

  t.test(`${name} rejects bodies over its limit`, { skip }, async (t) => {
    const { port, lines } = await start(t, '127.0.0.1')

    const response = await httpRequest({
      port,
      path: webhookUrl('user_1', '&sample_rate=16000'),
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(bodyLimit + 2)
    })

    t.equal(response.statusCode, 413)
    t.equal(deliveryLines(lines).length, 0)
  })

  t.test(`${name} passes audio through`, { skip }, async (t) => {
    const { port } = await start(t, '127.0.0.1')

    const response = await httpRequest({
      port,
      path: webhookUrl('user_1', '&sample_rate=16000'),
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(bodyLimit - 2)
    })

    t.equal(response.statusCode, 200)
    t.equal(JSON.parse(response.body).status, 'stored')
  })
}
