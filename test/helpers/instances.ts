// Real Tollgate processes (`tollgate serve`, from dist/) on loopback, for tests about several
// instances sharing one PostgreSQL and one Redis. Every wait has a deadline.
import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import path from 'node:path'
import type { Test } from 'tap'

const cli = path.join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli.js')
const START_DEADLINE_MS = 60_000
const REQUEST_DEADLINE_MS = 30_000

export interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  json: () => any
}

export interface Instance {
  port: number
  child: ChildProcess
  /** What it printed until it listened. */
  output: string
  request (method: 'GET' | 'POST', url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>
  post (url: string, body: unknown): Promise<Reply>
}

function request (port: number, method: string, url: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, method, path: url, timeout: REQUEST_DEADLINE_MS,
      headers: { host: 'acme.test', ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), ...extraHeaders },
    }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => { text += chunk })
      // The instance died while it answered (a test kills one): the answer is lost, not late.
      res.on('error', reject)
      res.on('end', () => { resolve({ status: res.statusCode!, headers: res.headers, json: () => JSON.parse(text) }) })
    })
    req.on('timeout', () => { req.destroy(new Error(`${method} ${url} on port ${port}: no answer within ${REQUEST_DEADLINE_MS} ms`)) })
    req.on('error', reject)
    req.end(payload)
  })
}

/** Starts one `tollgate serve` with these settings over the test defaults; resolves once it listens. */
export function startInstance (t: Test, env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, [cli, 'serve'], {
    env: {
      ...process.env,
      PORT: '0',
      LOG_LEVEL: 'warn',
      TOLLGATE_DATA_DIR: t.testdir(),
      TOLLGATE_ARGON2_MEMORY_COST: '1024',
      TOLLGATE_ARGON2_TIME_COST: '1',
      TOLLGATE_MAX_EVENT_LOOP_DELAY_MS: '0',
      TOLLGATE_WORKERS: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => { child.kill('SIGKILL') })
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`not listening within ${START_DEADLINE_MS} ms:\n${output}`)) }, START_DEADLINE_MS)
    child.stdout!.on('data', (chunk) => {
      output += chunk
      const listening = /listening on http:\/\/[^:]+:(\d+)/.exec(output)
      if (listening) {
        clearTimeout(timer)
        const port = Number(listening[1])
        resolve({
          port,
          child,
          output,
          request: (method, url, body, headers) => request(port, method, url, body, headers),
          post: (url, body) => request(port, 'POST', url, body),
        })
      }
    })
    child.stderr!.on('data', (chunk) => { output += chunk })
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${code} before listening:\n${output}`)) })
  })
}
