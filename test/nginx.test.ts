import t, { type Test } from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { SECRET, webhookUrl } from './helpers/build.js'
import { httpRequest, waitFor } from './helpers/net.js'
import { startBehindProxy, testProxy } from './helpers/proxy.js'

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx'].find((path) => existsSync(path))
const PROXY_BODY_LIMIT = 64 * 1024

/** Returns the nginx configuration of docs/deploy.md with temporary paths and a small body limit. */
function nginxConfig (dir: string, port: number, upstreamPort: number): string {
  return `
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  log_format omi_webhook '$remote_addr [$time_local] "$request_method $uri $server_protocol" '
                         '$status $body_bytes_sent $request_time $omi_request_id';
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
    access_log ${dir}/access.log omi_webhook;

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
  return await startBehindProxy(t, 'nginx', trustProxy, (dir, port, upstreamPort) => {
    writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port, upstreamPort))
    return spawn(NGINX as string, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] })
  })
}

const skip = NGINX === undefined ? 'nginx is not installed (Debian package nginx-light); .ci/run installs it' : false

testProxy('nginx', startBehindNginx, PROXY_BODY_LIMIT, skip)

t.test('nginx request id reaches the service', { skip }, async (t) => {
  const { port } = await startBehindNginx(t, '127.0.0.1')

  const response = await httpRequest({ port, path: '/health' })

  t.match(response.headers['x-request-id'], /^[0-9a-f]{32}$/)
})

t.test('nginx access log omits the secret', { skip }, async (t) => {
  const { port, dir } = await startBehindNginx(t, '127.0.0.1')

  await httpRequest({ port, path: webhookUrl(), method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'ping' }) })
  // nginx writes the access log line after it has sent the response, so the line can arrive a moment later.
  const readLog = (): string => readFileSync(join(dir, 'access.log'), 'utf8')
  await waitFor(() => readLog().includes('"POST /webhook'), 10_000, 'the access log line of the POST')
  const log = readLog()

  t.match(log, /"POST \/webhook HTTP\/1\.1" 200 /)
  t.notOk(log.includes(SECRET), 'the secret is not in the log')
})

t.test('nginx configuration is valid', { skip }, async (t) => {
  const dir = t.testdir()
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, 8080, 32768))

  const check = spawnSync(NGINX as string, ['-t', '-c', join(dir, 'nginx.conf'), '-p', dir], { encoding: 'utf8', timeout: 10_000 })

  t.equal(check.status, 0, check.stderr)
})
