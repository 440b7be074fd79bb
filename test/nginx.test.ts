import t, { type Test } from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, testEnv, webhookUrl } from './helpers/build.js'
import { freePort, httpRequest, waitFor } from './helpers/net.js'

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx'].find((path) => existsSync(path))
const PROXY_BODY_LIMIT = 64 * 1024
// Loopback is all of 127.0.0.0/8 on Linux, so the client can use another address than nginx uses upstream.
const CLIENT_ADDRESS = '127.0.0.2'

/** Returns the nginx configuration of docs/deploy.md with temporary paths and a small body limit. */
function nginxConfig (dir: string, port: number, upstreamPort: number): string {
  return `
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  map $http_x_request_id $omi_request_id {
    default $http_x_request_id;
    "" $request_id;
  }

  server {
    listen 127.0.0.1:${port};
    client_max_body_size ${PROXY_BODY_LIMIT};

    location / {
      proxy_pass http://127.0.0.1:${upstreamPort};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Request-Id $omi_request_id;
      proxy_connect_timeout 2s;
      proxy_send_timeout 15s;
      proxy_read_timeout 15s;
      proxy_request_buffering off;
    }
  }
}
`
}

/** Starts the app on a real port and nginx in front of it. Both stop when the test ends. */
async function startBehindNginx (t: Test, trustProxy: string) {
  const lines: string[] = []
  const app = await build(t, testEnv(t, { TRUST_PROXY: trustProxy, LOG_LEVEL: 'info' }), { write: (line) => { lines.push(line) } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const upstreamPort = typeof address === 'object' && address !== null ? address.port : 0

  const dir = mkdtempSync(join(tmpdir(), 'omi-nginx-'))
  const port = await freePort()
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port, upstreamPort))
  const nginx = spawn(NGINX as string, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  nginx.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  t.teardown(async () => {
    const exited = new Promise((resolve) => nginx.once('exit', resolve))
    nginx.kill('SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true })
  })

  await waitFor(async () => {
    if (nginx.exitCode !== null) throw new Error(`nginx exited with ${nginx.exitCode}: ${stderr}`)
    return await httpRequest({ port, path: '/health' }).then(() => true, () => false)
  }, 10_000, 'nginx to accept connections')
  return { port, lines }
}

function deliveryLines (lines: string[]): Array<Record<string, unknown>> {
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.msg === 'delivery')
}

const skip = NGINX === undefined ? 'nginx is not installed (Debian package nginx-light); .ci/run installs it' : false

t.test('deliveries pass through nginx', { skip }, async (t) => {
  const { port } = await startBehindNginx(t, '127.0.0.1')

  const response = await httpRequest({
    port,
    path: webhookUrl(),
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'proxy-test-1' },
    body: JSON.stringify({ type: 'ping' }),
    localAddress: CLIENT_ADDRESS
  })

  t.equal(response.statusCode, 200)
  t.same(JSON.parse(response.body), { message: 'pong' })
  t.equal(response.headers['x-request-id'], 'proxy-test-1')
})

t.test('nginx request id reaches the service', { skip }, async (t) => {
  const { port } = await startBehindNginx(t, '127.0.0.1')

  const response = await httpRequest({ port, path: '/health' })

  t.match(response.headers['x-request-id'], /^[0-9a-f]{32}$/)
})

t.test('trusted proxy logs client address', { skip }, async (t) => {
  const { port, lines } = await startBehindNginx(t, '127.0.0.1')

  await httpRequest({
    port,
    path: webhookUrl(),
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.9' },
    body: JSON.stringify({ type: 'ping' }),
    localAddress: CLIENT_ADDRESS
  })

  t.equal(deliveryLines(lines)[0]?.remoteAddress, CLIENT_ADDRESS)
})

t.test('untrusted proxy logs its own address', { skip }, async (t) => {
  const { port, lines } = await startBehindNginx(t, 'false')

  await httpRequest({
    port,
    path: webhookUrl(),
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'ping' }),
    localAddress: CLIENT_ADDRESS
  })

  t.equal(deliveryLines(lines)[0]?.remoteAddress, '127.0.0.1')
})

t.test('nginx rejects bodies over its limit', { skip }, async (t) => {
  const { port, lines } = await startBehindNginx(t, '127.0.0.1')

  const response = await httpRequest({
    port,
    path: webhookUrl('user_1', '&sample_rate=16000'),
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: Buffer.alloc(PROXY_BODY_LIMIT + 2)
  })

  t.equal(response.statusCode, 413)
  t.equal(deliveryLines(lines).length, 0)
})

t.test('audio streams through nginx unbuffered', { skip }, async (t) => {
  const { port } = await startBehindNginx(t, '127.0.0.1')

  const response = await httpRequest({
    port,
    path: webhookUrl('user_1', '&sample_rate=16000'),
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: Buffer.alloc(PROXY_BODY_LIMIT - 2)
  })

  t.equal(response.statusCode, 200)
  t.equal(JSON.parse(response.body).status, 'stored')
})

t.test('nginx configuration is valid', { skip }, async (t) => {
  const dir = t.testdir()
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, 8080, 32768))

  const check = spawnSync(NGINX as string, ['-t', '-c', join(dir, 'nginx.conf'), '-p', dir], { encoding: 'utf8', timeout: 10_000 })

  t.equal(check.status, 0, check.stderr)
})
