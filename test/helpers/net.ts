import { createServer, type AddressInfo } from 'node:net'
import { request } from 'node:http'

/** Returns a TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => { resolve() }))
  return port
}

export interface HttpResponse {
  statusCode: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

export interface HttpRequest {
  port: number
  path: string
  method?: string
  headers?: Record<string, string>
  body?: string | Buffer
  localAddress?: string
}

/** Sends one request over a real socket, with a 10 s timeout. */
export async function httpRequest (options: HttpRequest): Promise<HttpResponse> {
  return await new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: options.port,
      path: options.path,
      method: options.method ?? 'GET',
      headers: options.headers,
      localAddress: options.localAddress,
      timeout: 10_000
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => { resolve({ statusCode: res.statusCode as number, headers: res.headers, body: Buffer.concat(chunks).toString() }) })
      res.on('error', reject)
    })
    req.on('timeout', () => { req.destroy(new Error(`${options.method ?? 'GET'} ${options.path} timed out after 10 s`)) })
    req.on('error', reject)
    req.end(options.body)
  })
}

/** Polls `check` every 50 ms until it returns true, failing after `timeoutMs`. */
export async function waitFor (check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    /* c8 ignore next: reached only when the awaited condition never holds, and the test then fails */
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
