// Memory under a long run of rejections (BENCH_SOAK_SECONDS, 60 by default): a server of the default
// number of workers answers unknown-client refusals while the resident size of each of its processes
// (the main process and every worker) is sampled every second. Flat means: after the first 10 s
// (start-up, JIT, pools filled), the end is within 10% of the 10 s sample and the fitted slope is
// small; bounded means every process stays at or under 200 MiB.
import { spawnSync } from 'node:child_process'
import os from 'node:os'
import { roLogin, benchDocument } from './data.js'
import { load } from './load.js'
import { currentRssMiB, startTollgate } from './processes.js'
import { BENCH_ENV } from './scenarios.js'

const SETTLED_AFTER = 10
const MAX_RSS_MIB = 200
const MAX_DRIFT = 0.1

export interface ProcessMemory {
  /** The only process, or the main process and its workers. */
  role: 'single' | 'main' | 'worker'
  pid: number
  rssAt10sMiB: number
  rssAtEndMiB: number
  minAfter10sMiB: number
  maxRssMiB: number
  /** (end - at 10 s) / at 10 s. */
  drift: number
  /** Least-squares slope of the samples after 10 s, MiB per minute. */
  slopeMiBPerMinute: number
  flat: boolean
}

export interface SoakReport {
  seconds: number
  workers: number
  connections: number
  rps: number
  processes: ProcessMemory[]
  met: boolean
  target: string
}

const workerPids = (pid: number) => spawnSync('ps', ['--ppid', String(pid), '-o', 'pid='], { encoding: 'utf8' }).stdout.trim().split(/\s+/).filter(Boolean).map(Number)

function slope (samples: number[]): number {
  const n = samples.length
  if (n < 2) return 0
  const meanX = (n - 1) / 2
  const meanY = samples.reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  samples.forEach((y, x) => { num += (x - meanX) * (y - meanY); den += (x - meanX) ** 2 })
  return (num / den) * 60
}

export async function soak (seconds: number, log: (line: string) => void): Promise<SoakReport> {
  const workers = Math.min(os.availableParallelism(), 64)
  const connections = 50
  log(`soak: unknown-client rejections for ${seconds}s on ${workers} worker(s), RSS of every process sampled every second`)
  const server = await startTollgate(benchDocument, { ...BENCH_ENV, TOLLGATE_WORKERS: String(workers) })
  const pids = [server.pid, ...(workers > 1 ? workerPids(server.pid) : [])]
  const samples = new Map<number, number[]>(pids.map((pid) => [pid, []]))
  const sampler = setInterval(() => { for (const pid of pids) samples.get(pid)!.push(currentRssMiB(pid)) }, 1000)
  let rps = NaN
  try {
    rps = (await load({ url: server.url + '/oauth/ro', body: roLogin({ client_id: 'nobody' }), connections, seconds, warmupSeconds: 0, expectedStatus: 403 })).rps
  } finally {
    clearInterval(sampler)
    await server.stop()
  }
  const processes = pids.map((pid, i): ProcessMemory => {
    const all = samples.get(pid)!.filter(Number.isFinite)
    const settled = all.slice(Math.min(SETTLED_AFTER - 1, all.length - 1))
    const at10 = settled[0]
    const end = all[all.length - 1]
    const drift = (end - at10) / at10
    const maxRssMiB = Math.max(...all)
    return {
      role: workers === 1 ? 'single' : i === 0 ? 'main' : 'worker', pid, rssAt10sMiB: at10, rssAtEndMiB: end, minAfter10sMiB: Math.min(...settled), maxRssMiB,
      drift, slopeMiBPerMinute: slope(settled), flat: Math.abs(drift) <= MAX_DRIFT && maxRssMiB <= MAX_RSS_MIB,
    }
  })
  return {
    seconds, workers, connections, rps, processes, met: processes.every((p) => p.flat),
    target: `every process: max <= ${MAX_RSS_MIB} MiB, end within ${MAX_DRIFT * 100}% of its 10 s sample`,
  }
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-')

export function soakSummary (s: SoakReport): string {
  const lines = s.processes.map((p) => `| ${p.role} ${p.pid} | ${fmt(p.rssAt10sMiB)} | ${fmt(p.minAfter10sMiB)} | ${fmt(p.maxRssMiB)} | ${fmt(p.rssAtEndMiB)} | ${fmt(100 * p.drift, 1)}% | ${fmt(p.slopeMiBPerMinute, 1)} | ${p.flat ? 'yes' : 'no'} |`)
  return [
    `Memory (${s.seconds}s of unknown-client rejections, ${s.connections} connections, ${s.workers} worker(s), ${fmt(s.rps)} req/s; target: ${s.target}; ${s.met ? 'met' : 'not met'}):`,
    '',
    '| process | RSS at 10 s MiB | min after 10 s | max | at the end | end vs 10 s | slope MiB/min | flat and bounded |',
    '|---|---|---|---|---|---|---|---|',
    ...lines,
  ].join('\n')
}
