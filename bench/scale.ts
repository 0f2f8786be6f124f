// The scale-out scenarios of `npm run bench`: more cores and more instances doing the same work.
// - workers: client credentials and password grant on one server of 2 workers (TOLLGATE_WORKERS=2)
//   against 1 process;
// - postgres: one instance on PostgreSQL against one on SQLite, password grant and refresh rotation;
// - scale-out: 2 instances on PostgreSQL + Redis (one process each, the load spread over both ports,
//   as a load balancer would) against 1 instance on SQLite, client credentials and password grant.
// PostgreSQL and Redis come from BENCH_DATABASE_URL and BENCH_REDIS_URL; each PostgreSQL scenario
// runs in a database of its own, created and dropped here. Without them those scenarios are skipped
// with one line saying how to provide them (the bench reports, it is not a test).
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import pg from 'pg'
import { API, BENCH_PASSWORD, benchDocument, MACHINE_SECRET } from './data.js'
import { load, type LoadResult } from './load.js'
import { startTollgate, type Server } from './processes.js'
import { BENCH_ENV, LOGIN_CONNECTIONS, refreshRotation, type Workload } from './scenarios.js'

const FAST_CONNECTIONS = 50

export interface ScaleSettings {
  seconds: number
  warmupSeconds: number
  runs: number
  only?: RegExp
  log: (line: string) => void
}

/** One deployment: how many instances, on which store, with how many workers each. */
interface Deployment {
  label: string
  instances: number
  store: 'sqlite' | 'postgres'
  redis: boolean
  workers: number
}

interface Work {
  label: string
  path: string
  connections: number
  expectedStatus: number
  /** The load for one instance (prepared against it: refresh tokens are minted there first). */
  workload: (url: string, connections: number) => Promise<Workload>
}

interface Comparison {
  /** Matched by BENCH_ONLY. */
  name: string
  work: Work
  baseline: Deployment
  measured: Deployment
  target: number
}

export interface ScaleRow {
  name: string
  work: string
  connections: number
  baseline: string
  baselineRps: number
  measured: string
  rps: number
  p99: number
  errors: number
  ratio: number
  target: number
  /** Share of the whole machine's CPU time that was busy (every process, the load generator too) during each load. */
  baselineMachineBusy: number
  machineBusy: number
  perInstance: number
  perVcpu: number
  instances: number
}

const passwordBody = { grant_type: 'password', client_id: 'bench-spa', username: 'user@bench.test', password: BENCH_PASSWORD, scope: 'openid' }

const WORK: Record<'clientCredentials' | 'password' | 'refresh', Work> = {
  clientCredentials: {
    label: 'client_credentials', path: '/oauth/token', connections: FAST_CONNECTIONS, expectedStatus: 200,
    workload: async () => ({ body: { grant_type: 'client_credentials', client_id: 'bench-machine', client_secret: MACHINE_SECRET, audience: API } }),
  },
  password: { label: 'password grant', path: '/oauth/token', connections: LOGIN_CONNECTIONS, expectedStatus: 200, workload: async () => ({ body: passwordBody }) },
  refresh: {
    label: 'refresh rotation', path: '/oauth/token', connections: FAST_CONNECTIONS, expectedStatus: 200,
    workload: (url, connections) => refreshRotation(url, connections),
  },
}

const oneProcess: Deployment = { label: '1 instance, SQLite', instances: 1, store: 'sqlite', redis: false, workers: 1 }
const twoWorkers: Deployment = { label: '1 instance of 2 workers, SQLite', instances: 1, store: 'sqlite', redis: false, workers: 2 }
const onPostgres: Deployment = { label: '1 instance, PostgreSQL', instances: 1, store: 'postgres', redis: false, workers: 1 }
const twoOnPostgres: Deployment = { label: '2 instances, PostgreSQL + Redis', instances: 2, store: 'postgres', redis: true, workers: 1 }

export const COMPARISONS: Comparison[] = [
  { name: 'workers: client credentials, 2 workers vs 1', work: WORK.clientCredentials, baseline: oneProcess, measured: twoWorkers, target: 1.7 },
  // The default is a worker per CPU: logins must not lose by it (each worker has its own hash limiter).
  { name: 'workers: password grant, 2 workers vs 1', work: WORK.password, baseline: oneProcess, measured: twoWorkers, target: 1 },
  { name: 'postgres: password grant, PostgreSQL vs SQLite', work: WORK.password, baseline: oneProcess, measured: onPostgres, target: 0.9 },
  { name: 'postgres: refresh rotation, PostgreSQL vs SQLite', work: WORK.refresh, baseline: oneProcess, measured: onPostgres, target: 0.7 },
  { name: 'scale-out: client credentials, 2 instances on PostgreSQL + Redis vs 1 on SQLite', work: WORK.clientCredentials, baseline: oneProcess, measured: twoOnPostgres, target: 1.6 },
  { name: 'scale-out: password grant, 2 instances on PostgreSQL + Redis vs 1 on SQLite', work: WORK.password, baseline: oneProcess, measured: twoOnPostgres, target: 1.6 },
]

const needsServices = (c: Comparison) => [c.baseline, c.measured].some((d) => d.store === 'postgres' || d.redis)

/** A database of its own on the PostgreSQL of BENCH_DATABASE_URL; dropped by the returned function. */
async function freshDatabase (adminUrl: string): Promise<{ url: string, drop: () => Promise<void> }> {
  const name = `tollgate_bench_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl })
      await client.connect()
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await client.end()
      }
    },
  }
}

/** Starts the deployment's instances (one after another: the first migrates and provisions). */
async function startDeployment (d: Deployment): Promise<{ servers: Server[], stop: () => Promise<void> }> {
  const database = d.store === 'postgres' ? await freshDatabase(process.env.BENCH_DATABASE_URL!) : undefined
  const env: Record<string, string> = {
    ...BENCH_ENV,
    TOLLGATE_WORKERS: String(d.workers),
    ...(database ? { TOLLGATE_DATABASE_URL: database.url } : {}),
    ...(d.redis ? { TOLLGATE_REDIS_URL: process.env.BENCH_REDIS_URL!, TOLLGATE_REDIS_KEY_PREFIX: `tollgate-bench-${randomBytes(4).toString('hex')}:` } : {}),
  }
  const servers: Server[] = []
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()))
    await database?.drop()
  }
  try {
    for (let i = 0; i < d.instances; i++) servers.push(await startTollgate(benchDocument, env))
  } catch (err) {
    await stop()
    throw err
  }
  return { servers, stop }
}

/** CPU time of every core of the machine so far, busy and all (ms). */
function machineCpu (): { busy: number, total: number } {
  let busy = 0
  let total = 0
  for (const { times } of os.cpus()) {
    busy += times.user + times.nice + times.sys + times.irq
    total += times.user + times.nice + times.sys + times.irq + times.idle
  }
  return { busy, total }
}

/**
 * The same work on every instance at once, the connections split between them; throughputs add up.
 * Also how busy the whole machine was meanwhile: more processes only help while cores are idle.
 */
async function measure (d: Deployment, work: Work, settings: ScaleSettings): Promise<LoadResult & { machineBusy: number }> {
  const { servers, stop } = await startDeployment(d)
  try {
    const share = Math.max(1, Math.round(work.connections / servers.length))
    const workloads = await Promise.all(servers.map((server) => work.workload(server.url, share)))
    const before = machineCpu()
    const results = await Promise.all(servers.map(async (server, i) => load({
      url: server.url + work.path,
      ...workloads[i],
      connections: share,
      seconds: settings.seconds,
      warmupSeconds: settings.warmupSeconds,
      expectedStatus: work.expectedStatus,
    })))
    const after = machineCpu()
    const sum = (f: (r: LoadResult) => number) => results.reduce((n, r) => n + f(r), 0)
    return {
      machineBusy: (after.busy - before.busy) / Math.max(1, after.total - before.total),
      rps: sum((r) => r.rps),
      p50: Math.max(...results.map((r) => r.p50)),
      p99: Math.max(...results.map((r) => r.p99)),
      expectedP50: Math.max(...results.map((r) => r.expectedP50)),
      expectedP99: Math.max(...results.map((r) => r.expectedP99)),
      statuses: results.reduce<Record<string, number>>((all, r) => {
        for (const [s, n] of Object.entries(r.statuses)) all[s] = (all[s] ?? 0) + n
        return all
      }, {}),
      errors: sum((r) => r.errors),
      timeouts: sum((r) => r.timeouts),
    }
  } finally {
    await stop()
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]

/** Each comparison `runs` times (baseline then measured, in the same run); the median ratio is reported. */
export async function measureScale (settings: ScaleSettings): Promise<{ rows: ScaleRow[], skipped?: string }> {
  const selected = COMPARISONS.filter((c) => !settings.only || settings.only.test(c.name))
  const haveServices = Boolean(process.env.BENCH_DATABASE_URL && process.env.BENCH_REDIS_URL)
  const skipped = !haveServices && selected.some(needsServices)
    ? 'PostgreSQL scenarios skipped: set BENCH_DATABASE_URL=postgres://USER@HOST:PORT/DB (a role that may create databases) and BENCH_REDIS_URL=redis://HOST:PORT'
    : undefined
  if (skipped) settings.log(skipped)
  const rows: ScaleRow[] = []
  const baselines = new Map<string, number[]>()
  for (const c of selected.filter((c) => haveServices || !needsServices(c))) {
    const measured: Array<LoadResult & { machineBusy: number }> = []
    const ratios: number[] = []
    const baselineRps: number[] = []
    const baselineBusy: number[] = []
    for (let run = 1; run <= settings.runs; run++) {
      // A baseline measured for the same work in the same run is not measured again.
      const key = `${c.work.label}|${c.baseline.label}|${run}`
      let [base, busy] = baselines.get(key) ?? []
      if (base === undefined || busy === undefined) {
        settings.log(`${c.work.label} on ${c.baseline.label} (run ${run}, ${c.work.connections} connections, ${settings.warmupSeconds}s warm-up + ${settings.seconds}s)`)
        const result = await measure(c.baseline, c.work, settings)
        base = result.rps
        busy = result.machineBusy
        baselines.set(key, [base, busy])
      }
      settings.log(`${c.work.label} on ${c.measured.label} (run ${run})`)
      const result = await measure(c.measured, c.work, settings)
      measured.push(result)
      ratios.push(result.rps / base)
      baselineRps.push(base)
      baselineBusy.push(busy)
    }
    const ratio = median(ratios)
    const chosen = ratios.indexOf(ratio)
    const result = measured[chosen]
    const instances = c.measured.instances
    rows.push({
      name: c.name, work: c.work.label, connections: c.work.connections,
      baseline: c.baseline.label, baselineRps: baselineRps[chosen],
      measured: c.measured.label, rps: result.rps, p99: result.p99, errors: result.errors,
      ratio, target: c.target,
      baselineMachineBusy: baselineBusy[chosen], machineBusy: result.machineBusy,
      perInstance: result.rps / instances,
      // One process already uses every core (signatures and hashes run in libuv's thread pool).
      perVcpu: result.rps / os.availableParallelism(),
      instances,
    })
  }
  return { rows, skipped }
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-')

const percent = (share: number) => `${fmt(100 * share)}%`

export function scaleTable (rows: ScaleRow[]): string {
  const header = '| scenario | conns | baseline req/s | measured req/s | p99 ms | errors | ratio | target | met | machine CPU busy (baseline / measured) |'
  const lines = rows.map((r) => `| ${r.name} | ${r.connections} | ${r.baseline}: ${fmt(r.baselineRps)} | ${r.measured}: ${fmt(r.rps)} | ${fmt(r.p99)} | ${r.errors} | ${fmt(r.ratio, 2)} | >= ${r.target} | ${r.ratio >= r.target ? 'yes' : 'no'} | ${percent(r.baselineMachineBusy)} / ${percent(r.machineBusy)} |`)
  return [header, header.replace(/[^|]+/g, (c) => '-'.repeat(Math.max(3, c.length))), ...lines].join('\n')
}

/**
 * The sizing table of README "Running several instances": per deployment measured, throughput of
 * client credentials and of password logins, per instance and per vCPU of the machine (one process
 * already uses every core: signatures and hashes run in libuv's thread pool; the load generator
 * shares the machine, so per-vCPU figures are a floor).
 */
export function sizingTable (rows: ScaleRow[]): string {
  const cpus = os.availableParallelism()
  const deployments = new Map<string, { instances: number, processes: number, cc?: number, logins?: number }>()
  const note = (d: Deployment, work: string, rps: number) => {
    const row = deployments.get(d.label) ?? { instances: d.instances, processes: d.instances * d.workers }
    if (work === WORK.clientCredentials.label) row.cc ??= rps
    if (work === WORK.password.label) row.logins ??= rps
    deployments.set(d.label, row)
  }
  for (const r of rows) {
    const c = COMPARISONS.find((c) => c.name === r.name)!
    note(c.baseline, r.work, r.baselineRps)
    note(c.measured, r.work, r.rps)
  }
  const cell = (n: number | undefined, instances: number) => n === undefined ? '- | - | -' : `${fmt(n)} | ${fmt(n / instances)} | ${fmt(n / cpus)}`
  return [
    `| deployment | processes | client_credentials/s | per instance | per vCPU (of ${cpus}) | password logins/s | per instance | per vCPU (of ${cpus}) |`,
    '|---|---|---|---|---|---|---|---|',
    ...[...deployments].filter(([, d]) => d.cc !== undefined || d.logins !== undefined)
      .map(([label, d]) => `| ${label} | ${d.processes} | ${cell(d.cc, d.instances)} | ${cell(d.logins, d.instances)} |`),
  ].join('\n')
}
