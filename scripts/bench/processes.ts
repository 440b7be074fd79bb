import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { readFileSync } from 'node:fs'
import { once } from 'node:events'

export const HOST = '127.0.0.1'

export interface Child {
  process: ChildProcess
  port: number
  origin: string
}

/** Finds a free TCP port on the loopback address. */
export async function freePort (): Promise<number> {
  const server = createServer()
  server.listen(0, HOST)
  await once(server, 'listening')
  const address = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return address.port
}

/** Starts `node script` with `env` and waits until GET `readyPath` answers 2xx, for at most 20 s. */
export async function startNode (script: string, env: Record<string, string>, readyPath: string, readyMethod = 'GET'): Promise<Child> {
  const port = await freePort()
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env, PORT: String(port), HOST },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const origin = `http://${HOST}:${port}`

  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${script} exited with code ${child.exitCode} before it was ready`)
    try {
      const response = await fetch(origin + readyPath, { method: readyMethod })
      if (response.status < 500) return { process: child, port, origin }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  child.kill('SIGKILL')
  throw new Error(`${script} did not answer on ${origin}${readyPath} within 20 s`)
}

/** Stops a child with SIGTERM and waits for it to exit. */
export async function stopNode (child: Child): Promise<void> {
  if (child.process.exitCode !== null) return
  child.process.kill('SIGTERM')
  await once(child.process, 'exit')
}

/** Reads a field such as VmRSS or VmHWM of /proc/<pid>/status, in MiB. */
export function memoryOf (pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)
  return match === null ? Number.NaN : Number(match[1]) / 1024
}

/** Samples the resident memory of `pid` every 100 ms until `stop` is called. */
export function sampleRss (pid: number): { stop: () => number[] } {
  const samples: number[] = [memoryOf(pid, 'VmRSS')]
  const timer = setInterval(() => samples.push(memoryOf(pid, 'VmRSS')), 100)
  return {
    stop: () => {
      clearInterval(timer)
      samples.push(memoryOf(pid, 'VmRSS'))
      return samples
    }
  }
}
