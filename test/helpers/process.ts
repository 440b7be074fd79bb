import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'
import type { Environment } from '../../src/config.js'

/** The compiled process entry, build/src/server.js. */
export const SERVER_ENTRY = fileURLToPath(new URL('../../src/server.js', import.meta.url))

/** Maximum wait for a started process to listen or to exit, in milliseconds. */
const PROCESS_TIMEOUT_MS = 30_000

const LISTENING = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/

export interface ServerProcess {
  child: ChildProcess
  /** Base URL of the listening server, such as http://127.0.0.1:41234. */
  url: string
  stdout: () => string
  stderr: () => string
  /** Sends SIGTERM and resolves with the exit code. */
  stop: () => Promise<number | null>
}

export interface ExitedProcess {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Environment of a server process: the test runner's own (which carries the
 * coverage hooks into the child), loopback on a free port, JSON logs. An
 * override set to undefined removes the variable.
 */
export function processEnv (overrides: Environment): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...overrides }
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete env[name]
  }
  return env
}

/**
 * Starts `node build/src/server.js` in `cwd` and waits until it listens on
 * loopback. It reads the port from Fastify's log line, so LOG_LEVEL must be info or lower.
 */
export async function startServer (t: Test, overrides: Environment, cwd: string, nodeOptions: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeOptions, SERVER_ENTRY], { cwd, env: processEnv(overrides), stdio: ['ignore', 'pipe', 'pipe'] })
  const output = collectOutput(child)
  // Kills a server that a failed test left running. A server that already exited ignores the signal.
  t.teardown(() => { child.kill('SIGKILL') })

  const url = await new Promise<string>((resolve, reject) => {
    /* c8 ignore next: runs only when a server hangs at start, and then the test fails with this message. */
    const timer = setTimeout(() => reject(new Error(`server did not listen within ${PROCESS_TIMEOUT_MS} ms:\n${output.stderr()}`)), PROCESS_TIMEOUT_MS)
    child.stdout?.on('data', () => {
      const match = LISTENING.exec(output.stdout())
      /* c8 ignore next: whether the listening line arrives in the first chunk of output depends on the pipe's timing. */
      if (match === null) return
      clearTimeout(timer)
      resolve(match[1])
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with code ${String(code)} before listening:\n${output.stderr()}`))
    })
  })

  return {
    child,
    url,
    ...output,
    stop: async () => {
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      const [code] = await exited
      return code as number | null
    }
  }
}

/** Runs `node build/src/server.js`, or another compiled entry, in `cwd` until it exits on its own. */
export async function runUntilExit (overrides: Environment, cwd: string, entry = SERVER_ENTRY): Promise<ExitedProcess> {
  const child = spawn(process.execPath, [entry], { cwd, env: processEnv(overrides), stdio: ['ignore', 'pipe', 'pipe'] })
  const output = collectOutput(child)
  const timer = setTimeout(() => child.kill('SIGKILL'), PROCESS_TIMEOUT_MS)

  const [code] = await once(child, 'exit')
  clearTimeout(timer)
  return { code: code as number | null, stdout: output.stdout(), stderr: output.stderr() }
}

function collectOutput (child: ChildProcess): { stdout: () => string, stderr: () => string } {
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (text: string) => { stdout += text })
  child.stderr?.setEncoding('utf8').on('data', (text: string) => { stderr += text })
  return { stdout: () => stdout, stderr: () => stderr }
}
