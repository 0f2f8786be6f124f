// `npm run bench`: every scenario for a fixed time after a warm-up, each figure divided by a baseline
// measured in the same run, because this machine is shared and noisy. Prints a table and writes
// bench/results/latest.json and latest.md. Targets are reported, never enforced.
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { load, slice, summarise, warmUp, type LoadResult, type Sample } from './load.js'
import { comparisons, TARGETS, TOKEN_PATH, type Comparison, type Target } from './peers.js'
import { cpuMicros, currentRssMiB, rawArgon2, startBare, startPeer, startTollgate, type Server } from './processes.js'
import { benchDocument, roLogin } from './data.js'
import { measureScale, scaleTable, sizingTable } from './scale.js'
import { soak, soakSummary } from './soak.js'
import { BENCH_ENV, LOGIN_CONNECTIONS, overloadScenario, scenarios, timingScenarios, type Scenario } from './scenarios.js'

const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 2)
/** Runs of the peer comparison and the scenarios; with several, each row reports the median run. */
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 1))
const soakSeconds = Number(process.env.BENCH_SOAK_SECONDS ?? 60)
const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : undefined
const argon2Params = { memoryCost: 19456, timeCost: 2, parallelism: 1 }

interface Row extends LoadResult {
  name: string
  connections: number
  baseline: string
  baselineRps: number
  ratio: number
  target?: number
  peakRssMiB: number
  /** CPU time the server's processes spent per request: steadier than req/s on a shared machine. */
  cpuMicrosPerRequest: number
}

const log = (line: string) => { process.stderr.write(line + '\n') }

async function measure (scenario: Scenario): Promise<LoadResult & { peakRssMiB: number, cpuMicrosPerRequest: number }> {
  const server: Server = scenario.server === 'bare'
    ? await startBare(scenario.bareEnv)
    : await startTollgate(benchDocument, { ...BENCH_ENV, ...scenario.env })
  try {
    const workload = typeof scenario.workload === 'function' ? await scenario.workload(server.url) : scenario.workload ?? {}
    const options = {
      url: server.url + scenario.path,
      method: scenario.method,
      ...workload,
      connections: scenario.connections,
      seconds,
      warmupSeconds,
      expectedStatus: scenario.expectedStatus,
    }
    await warmUp(options)
    const cpuBefore = cpuMicros(server.pid)
    const sample = await slice(options)
    const cpuUsed = cpuMicros(server.pid) - cpuBefore
    const result = summarise([sample], scenario.expectedStatus)
    return { ...result, peakRssMiB: server.peakRssMiB(), cpuMicrosPerRequest: cpuUsed / (result.rps * seconds) }
  } finally {
    await server.stop()
  }
}

/** The command line that reproduces this run (its BENCH_ settings and npm run bench). */
const benchCommand = () => [...Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_')).map(([k, v]) => `${k}=${/^[\w.,:/-]*$/.test(v ?? '') ? v : `'${v}'`}`).sort(), 'npm run bench'].join(' ')

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-')

function table (rows: Row[]): string {
  const header = '| scenario | conns | req/s | p50 ms | p99 ms | errors | baseline req/s | ratio | target | met | peak RSS MiB | server CPU µs/req |'
  const met = (r: Row) => r.invalid ? 'invalid' : r.target === undefined ? '-' : !Number.isFinite(r.ratio) ? 'invalid baseline' : r.ratio >= r.target ? 'yes' : 'no'
  const ratio = (r: Row) => r.baseline === 'none' ? '-' : r.invalid || !Number.isFinite(r.ratio) ? 'invalid' : fmt(r.ratio, 2)
  const lines = rows.map((r) => `| ${r.name} | ${r.connections} | ${fmt(r.rps, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.errors} | ${r.baseline === 'none' ? '-' : `${r.baseline}: ${fmt(r.baselineRps, 0)}`} | ${ratio(r)} | ${r.target === undefined ? '-' : `>= ${r.target}`} | ${met(r)} | ${fmt(r.peakRssMiB, 0)} | ${fmt(r.cpuMicrosPerRequest, 0)} |`)
  const invalid = rows.filter((r) => r.invalid).map((r) => `- ${r.name}: ${r.invalid}`)
  return [header, header.replace(/[^|]+/g, (cell) => '-'.repeat(Math.max(3, cell.length))), ...lines, ...(invalid.length > 0 ? ['', 'Not counted (too many responses of another status):', '', ...invalid] : [])].join('\n')
}

interface PeerRow {
  name: string
  connections: number
  rps: Record<Target, number>
  p99: Record<Target, number>
  errors: Record<Target, number>
  /** CPU time each server's process spent per request (see Row). */
  cpuMicrosPerRequest: Record<Target, number>
  /** The servers whose run measured something else than the scenario (see load.ts). */
  invalid: Partial<Record<Target, string>>
  fasterPeer?: Target
  ratio: number
  target: number
}

/**
 * Each comparison against each server, each in its own process, loaded one at a time. The servers
 * take turns in slices of a second (Tollgate, oauth2-server, oidc-provider, Tollgate...), so that
 * load from elsewhere on the machine falls on all three alike instead of on whichever ran then.
 */
async function comparePeers (): Promise<PeerRow[]> {
  const rows: PeerRow[] = []
  const slices = Math.max(1, Math.round(seconds))
  for (const comparison of comparisons.filter((c) => !only || only.test(`peers: ${c.name}`))) {
    log(`peers: ${comparison.name} (${comparison.connections} connections, ${warmupSeconds}s warm-up each, then ${slices} turns of ${seconds / slices}s each)`)
    const servers = new Map<Target, Server>()
    const samples = new Map<Target, Sample[]>(TARGETS.map((t) => [t, []]))
    const cpuUsed = new Map<Target, number>(TARGETS.map((t) => [t, 0]))
    const workloads = new Map<Target, Awaited<ReturnType<Comparison['workload']>>>()
    try {
      for (const target of TARGETS) {
        const server = target === 'tollgate' ? await startTollgate(benchDocument, BENCH_ENV) : await startPeer(target)
        servers.set(target, server)
        const workload = await comparison.workload(server.url, slices + 1)
        workloads.set(target, workload)
        await warmUp({ url: server.url + TOKEN_PATH, form: true, ...workload, connections: comparison.connections, warmupSeconds })
      }
      for (let turn = 0; turn < slices; turn++) {
        for (const target of TARGETS) {
          const workload = workloads.get(target)!
          const server = servers.get(target)!
          const cpuBefore = cpuMicros(server.pid)
          samples.get(target)!.push(await slice({ url: server.url + TOKEN_PATH, form: true, ...workload, connections: comparison.connections, seconds: seconds / slices }))
          cpuUsed.set(target, cpuUsed.get(target)! + cpuMicros(server.pid) - cpuBefore)
        }
      }
    } finally {
      for (const server of servers.values()) await server.stop()
    }
    const rps = {} as Record<Target, number>
    const p99 = {} as Record<Target, number>
    const errors = {} as Record<Target, number>
    const cpuMicrosPerRequest = {} as Record<Target, number>
    const invalid: Partial<Record<Target, string>> = {}
    for (const target of TARGETS) {
      const result = summarise(samples.get(target)!, workloads.get(target)!.expectedStatus)
      rps[target] = result.rps
      p99[target] = result.p99
      errors[target] = result.errors
      cpuMicrosPerRequest[target] = cpuUsed.get(target)! / (result.rps * seconds)
      if (result.invalid) {
        invalid[target] = result.invalid
        log(`  ${target}: ${result.invalid}`)
      }
    }
    // Only servers that answered as expected are compared.
    const peers = TARGETS.filter((t) => t !== 'tollgate' && !invalid[t])
    const fasterPeer = peers.sort((a, b) => rps[b] - rps[a])[0]
    const ratio = invalid.tollgate || fasterPeer === undefined ? NaN : rps.tollgate / rps[fasterPeer]
    rows.push({ name: comparison.name, connections: comparison.connections, rps, p99, errors, cpuMicrosPerRequest, invalid, fasterPeer, ratio, target: comparison.target })
  }
  return rows
}

function peerTable (rows: PeerRow[]): string {
  const cell = (r: PeerRow, t: Target) => r.invalid[t] ? `invalid (${r.errors[t]} errors)` : `${fmt(r.rps[t], 0)} (p99 ${fmt(r.p99[t], 0)} ms, ${fmt(r.cpuMicrosPerRequest[t], 0)} µs CPU${r.errors[t] ? `, ${r.errors[t]} errors` : ''})`
  const header = '| scenario | conns | Tollgate req/s | @node-oauth/oauth2-server req/s | oidc-provider req/s | Tollgate / faster peer | target | met |'
  const lines = rows.map((r) => {
    const valid = Number.isFinite(r.ratio)
    return `| ${r.name} | ${r.connections} | ${cell(r, 'tollgate')} | ${cell(r, 'oauth2-server')} | ${cell(r, 'oidc-provider')} | ${valid ? fmt(r.ratio, 2) : 'invalid'} | >= ${r.target} | ${!valid ? 'invalid' : r.ratio >= r.target ? 'yes' : 'no'} |`
  })
  const invalid = rows.flatMap((r) => Object.entries(r.invalid).map(([t, why]) => `- ${r.name} on ${t}: ${why}`))
  return [header, header.replace(/[^|]+/g, (c) => '-'.repeat(Math.max(3, c.length))), ...lines, ...(invalid.length > 0 ? ['', 'Not counted (too many responses of another status):', '', ...invalid] : [])].join('\n')
}

/** The scenarios against their baselines, once. */
async function measureScenarios (selected: Scenario[]): Promise<Row[]> {
  const rows: Row[] = []
  const baselines: Record<string, number> = {}
  if (selected.some((s) => s.baseline === 'argon2')) {
    log(`argon2 baseline: ${LOGIN_CONNECTIONS} verifies in flight for ${seconds}s`)
    const argon2 = rawArgon2(argon2Params, LOGIN_CONNECTIONS, seconds)
    baselines.argon2 = argon2.rps
    rows.push({
      name: 'baseline: raw argon2id verify (m=19456, t=2, p=1)', connections: LOGIN_CONNECTIONS, rps: argon2.rps, p50: argon2.p50, p99: argon2.p99,
      expectedP50: argon2.p50, expectedP99: argon2.p99, statuses: {}, errors: 0, timeouts: 0, baseline: 'none', baselineRps: NaN, ratio: NaN, peakRssMiB: NaN, cpuMicrosPerRequest: NaN,
    })
  }
  for (const scenario of selected) {
    log(`${scenario.name} (${scenario.connections} connections, ${warmupSeconds}s warm-up + ${seconds}s)`)
    const result = await measure(scenario)
    if (result.invalid) log(`  ${result.invalid}`)
    // An invalid run is no baseline: the ratios to it are invalid too.
    const measured = result.invalid ? NaN : result.rps
    if (scenario.server === 'bare') baselines[scenario.bareEnv?.BENCH_BASELINE ?? 'bare'] = measured
    if (scenario.recordsBaseline) baselines[scenario.recordsBaseline] = measured
    const baselineRps = baselines[scenario.baseline] ?? NaN
    rows.push({ ...result, name: scenario.name, connections: scenario.connections, baseline: scenario.baseline, baselineRps, ratio: measured / baselineRps, target: scenario.target, peakRssMiB: result.peakRssMiB, cpuMicrosPerRequest: result.cpuMicrosPerRequest })
  }
  return rows
}

/**
 * Of several runs, each row as measured in the run whose ratio (else throughput) is the median, of
 * the runs that were valid; invalid only when no run was.
 */
function medianRows<T extends { name: string, ratio: number, rps: unknown, invalid?: unknown }> (runs: T[][]): T[] {
  const isInvalid = (r: T) => typeof r.invalid === 'string' || (typeof r.invalid === 'object' && r.invalid !== null && Object.keys(r.invalid).includes('tollgate'))
  return runs[0].map((row, i) => {
    const each = runs.map((run) => run[i]).filter((r) => r?.name === row.name)
    const valid = each.filter((r) => !isInvalid(r))
    const all = valid.length > 0 ? valid : each
    const key = (r: T) => Number.isFinite(r.ratio) ? r.ratio : typeof r.rps === 'number' ? r.rps : 0
    return all.sort((a, b) => key(a) - key(b))[Math.floor((all.length - 1) / 2)]
  })
}

async function main () {
  const selected = scenarios.filter((s) => !only || only.test(s.name))
  const peerRuns: PeerRow[][] = []
  const rowRuns: Row[][] = []
  for (let run = 1; run <= runs; run++) {
    if (runs > 1) log(`run ${run} of ${runs}`)
    peerRuns.push(process.env.BENCH_PEERS === '0' ? [] : await comparePeers())
    rowRuns.push(await measureScenarios(selected))
  }
  const peers = medianRows(peerRuns)
  const rows = medianRows(rowRuns)

  // Overload: accepted logins keep a bounded p99; the excess is answered at once; nothing times out.
  let overload
  if (!only || only.test(overloadScenario.name)) {
    log(`${overloadScenario.name}`)
    const result = await measure(overloadScenario)
    const total = Object.values(result.statuses).reduce((a, b) => a + b, 0)
    overload = {
      connections: overloadScenario.connections,
      acceptedPerSecond: (result.statuses[200] ?? 0) / seconds,
      acceptedP50: result.expectedP50,
      acceptedP99: result.expectedP99,
      share503: (result.statuses[503] ?? 0) / Math.max(1, total),
      statuses: result.statuses,
      timeouts: result.timeouts,
      target: 'accepted p99 < 1000 ms, no timeouts',
    }
  }

  // Timing: one login at a time, so the median is the cost of one attempt and not of a queue.
  let timing
  if (!only || only.test('timing')) {
    log('timing: wrong password vs unknown user, one connection each')
    const server = await startTollgate(benchDocument, BENCH_ENV)
    try {
      const one = (s: { path: string, body: unknown }, expectedStatus: number) =>
        load({ url: server.url + s.path, body: s.body, connections: 1, seconds, warmupSeconds, expectedStatus })
      const wrong = await one(timingScenarios.wrongPassword, 401)
      const unknown = await one(timingScenarios.unknownUser, 401)
      timing = { wrongPasswordP50: wrong.p50, unknownUserP50: unknown.p50, ratio: unknown.p50 / wrong.p50, target: 'between 0.9 and 1.1' }
    } finally {
      await server.stop()
    }
  }

  // Memory under a long run of rejections (bench/soak.ts), and the scale-out scenarios (bench/scale.ts).
  const soakReport = soakSeconds > 0 && (!only || only.test('soak')) ? await soak(soakSeconds, log) : undefined
  const scale = await measureScale({ seconds, warmupSeconds, runs, only, log })

  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.type()} ${os.release()}` }
  const report = { date: new Date().toISOString(), machine, seconds, warmupSeconds, runs, command: benchCommand(), peers, rows, overload, timing, soak: soakReport, scale }
  const md = [
    `Run ${report.date} on ${machine.cpus} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}; ${warmupSeconds}s warm-up + ${seconds}s per scenario; ${runs > 1 ? `median of ${runs} runs; ` : ''}load generator on the same machine.`,
    '',
    `Command: \`${report.command}\``,
    '',
    ...(peers.length > 0 ? ['Side by side (form bodies to /oauth/token; each server in its own process, loaded in turns of 1 s; ratio to the faster peer):', '', peerTable(peers), '', 'Against baselines measured in the same run:', ''] : []),
    table(rows),
    '',
    overload ? `Overload (${overload.connections} concurrent logins): ${fmt(overload.acceptedPerSecond, 0)} accepted/s, accepted p50 ${fmt(overload.acceptedP50, 0)} ms, p99 ${fmt(overload.acceptedP99, 0)} ms; ${fmt(overload.share503 * 100, 1)}% answered 503; statuses ${JSON.stringify(overload.statuses)}; ${overload.timeouts} timeouts (target: ${overload.target}).` : '',
    timing ? `Timing (one connection): wrong password p50 ${fmt(timing.wrongPasswordP50)} ms, unknown user p50 ${fmt(timing.unknownUserP50)} ms, ratio ${fmt(timing.ratio, 2)} (target: ${timing.target}).` : '',
    soakReport ? `\n${soakSummary(soakReport)}\n` : '',
    scale.rows.length > 0 ? `Scale-out (the same work on more processes; ratio to the baseline in the same run${runs > 1 ? ', median of the runs' : ''}):\n\n${scaleTable(scale.rows)}\n\n${sizingTable(scale.rows)}` : '',
    scale.skipped ?? '',
  ].join('\n')
  const dir = path.join(import.meta.dirname, '..', '..', 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(report, null, 2) + '\n')
  writeFileSync(path.join(dir, 'latest.md'), md + '\n')
  process.stdout.write(md + '\n')
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err}\n`)
  process.exit(1)
})
