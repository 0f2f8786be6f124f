// The processes a benchmark measures: Tollgate (a fresh data directory with the bench data applied)
// and the bare baseline server, each started from the compiled dist/ and stopped after its scenario.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const dist = path.resolve(import.meta.dirname, '..')

export interface Server {
  url: string
  pid: number
  /** Peak resident memory so far, in MiB (VmHWM). */
  peakRssMiB (): number
  stop (): Promise<void>
}

/** Resident memory now, in MiB (VmRSS). */
export function currentRssMiB (pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024
  } catch {
    return NaN
  }
}

/**
 * CPU time (user + system, in µs) used so far by a process and its children (the workers of a
 * server of several): read from /proc, so NaN elsewhere than on Linux.
 */
export function cpuMicros (pid: number): number {
  const stat = (id: string) => readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1]!.split(' ')
  const ticks = (fields: string[]) => Number(fields[11]) + Number(fields[12])
  try {
    let total = ticks(stat(String(pid)))
    for (const id of readdirSync('/proc')) {
      if (!/^\d+$/.test(id) || id === String(pid)) continue
      try {
        const fields = stat(id)
        if (Number(fields[1]) === pid) total += ticks(fields)
      } catch {} // gone meanwhile
    }
    return total * 1e6 / CLOCK_TICKS
  } catch {
    return NaN
  }
}

/** USER_HZ: Linux reports CPU times in hundredths of a second on every platform it runs on. */
const CLOCK_TICKS = 100

function peakRss (pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024
  } catch {
    return NaN
  }
}

function started (child: ChildProcess, pattern: RegExp, dir?: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    let output = ''
    const onData = (chunk: Buffer) => {
      output += chunk
      const match = pattern.exec(output)
      if (!match) return
      child.stdout!.off('data', onData)
      child.stdout!.resume()
      resolve({
        url: `http://127.0.0.1:${match[1]}`,
        pid: child.pid!,
        peakRssMiB: () => peakRss(child.pid!),
        stop: () => new Promise((done) => {
          child.once('exit', () => {
            if (dir) rmSync(dir, { recursive: true, force: true })
            done()
          })
          child.kill('SIGTERM')
        }),
      })
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk) => { output += chunk })
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)))
  })
}

/** Starts Tollgate on a fresh data directory holding `document`. */
export async function startTollgate (document: unknown, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<Server> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-'))
  const file = path.join(dir, 'bench.json')
  writeFileSync(file, JSON.stringify(document))
  const fullEnv = { ...process.env, TOLLGATE_DATA_DIR: path.join(dir, 'data'), PORT: '0', LOG_LEVEL: 'warn', ...env }
  const cli = path.join(dist, 'src', 'cli.js')
  const applied = spawnSync(process.execPath, [cli, 'apply', file], { env: fullEnv, encoding: 'utf8' })
  if (applied.status !== 0) throw new Error(`apply failed: ${applied.stderr}`)
  const child = spawn(process.execPath, [...nodeArgs, cli, 'serve'], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  return started(child, /listening on http:\/\/127\.0\.0\.1:(\d+)/, dir)
}

/** Starts the bare Fastify baseline server. */
export async function startBare (env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, [path.join(dist, 'bench', 'bare-server.js')], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  return started(child, /listening on (\d+)/)
}

/** Raw argon2id verifies per second, in a process of its own. */
export function rawArgon2 (params: { memoryCost: number, timeCost: number, parallelism: number }, concurrency: number, seconds: number) {
  const script = path.join(dist, 'bench', 'argon2-baseline.js')
  const run = spawnSync(process.execPath, [script, ...[params.memoryCost, params.timeCost, params.parallelism, concurrency, seconds].map(String)], { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(run.stderr)
  return JSON.parse(run.stdout) as { rps: number, p50: number, p99: number }
}

export type Peer = 'oauth2-server' | 'oidc-provider'

/** Starts a peer server (bench/peers/<peer>.mjs, run from the source tree: plain JavaScript). */
export async function startPeer (peer: Peer): Promise<Server> {
  const script = path.join(dist, '..', 'bench', 'peers', `${peer}.mjs`)
  const child = spawn(process.execPath, [script], { env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] })
  return started(child, /listening on (\d+)/)
}
