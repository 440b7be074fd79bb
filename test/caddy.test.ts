import t, { type Test } from 'tap'
import { spawn, spawnSync } from 'node:child_process'
import { writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { SECRET, webhookUrl } from './helpers/build.js'
import { freePort, httpRequest, waitFor } from './helpers/net.js'
import { launchProxy, startBehindProxy, testProxy, type ProxyLauncher } from './helpers/proxy.js'

const CADDY = ['/usr/bin/caddy', '/usr/local/bin/caddy'].find((path) => existsSync(path))
const PROXY_BODY_LIMIT = 64 * 1024

/**
 * Returns the Caddyfile of docs/deploy.md with a plain-HTTP loopback site in
 * place of the domain, a small body limit, and no admin endpoint, so tests
 * running side by side do not compete for its port. `debug` adds Caddy's
 * debug log, the only level at which it logs errors that handle_errors handles.
 */
function caddyfile (port: number, upstreamPort: number, debug = false): string {
  return `
{
    admin off
    ${debug ? 'debug' : ''}
    log default {
        format filter {
            wrap json
            fields {
                request>uri query {
                    delete key
                    delete token
                    delete secret
                }
                request>headers>Authorization delete
            }
        }
    }
}

http://127.0.0.1:${port} {
    bind 127.0.0.1
    request_body {
        max_size ${PROXY_BODY_LIMIT}
    }
    reverse_proxy 127.0.0.1:${upstreamPort} {
        transport http {
            dial_timeout 2s
            response_header_timeout 15s
        }
    }
    handle_errors {
        @too_large expression \`{err.message}.contains("request body too large")\`
        respond @too_large "Request body too large" 413
    }
}
`
}

/** Runs Caddy with its configuration and data folders inside `dir`, so it writes nothing to $HOME. */
function caddyEnv (dir: string): NodeJS.ProcessEnv {
  return { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') }
}

/** Starts Caddy with the configuration for these ports, logging at debug level when `debug` is set. */
function launchCaddy (debug = false): ProxyLauncher {
  return (dir, port, upstreamPort) => {
    writeFileSync(join(dir, 'Caddyfile'), caddyfile(port, upstreamPort, debug))
    return spawn(CADDY as string, ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
      { env: caddyEnv(dir), stdio: ['ignore', 'ignore', 'pipe'] })
  }
}

async function startBehindCaddy (t: Test, trustProxy: string) {
  return await startBehindProxy(t, 'caddy', trustProxy, launchCaddy())
}

const skip = CADDY === undefined ? 'Caddy is not installed (Debian package caddy); .ci/run installs it' : false

testProxy('caddy', startBehindCaddy, PROXY_BODY_LIMIT, skip)

t.test('caddy configuration is valid', { skip }, async (t) => {
  const dir = t.testdir()
  writeFileSync(join(dir, 'Caddyfile'), caddyfile(8080, 32768))

  const check = spawnSync(CADDY as string, ['validate', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
    { encoding: 'utf8', timeout: 10_000, env: caddyEnv(dir) })

  t.equal(check.status, 0, check.stderr)
})

t.test('caddy log omits the secret', { skip }, async (t) => {
  // Nothing listens upstream, so Caddy returns 502 and logs the failed request.
  const { port, stderr } = await launchProxy(t, 'caddy', await freePort(), launchCaddy(true))

  const response = await httpRequest({ port, path: webhookUrl(), method: 'POST', headers: { authorization: `Bearer ${SECRET}` } })
  await waitFor(() => stderr().includes('/webhook?uid=user_1'), 5_000, 'caddy to log the failed request')

  t.equal(response.statusCode, 502)
  t.notOk(stderr().includes(SECRET), 'the secret is not in the log')
})
