// `node dist/bench/profile.js [regex]`: runs the selected Tollgate scenarios under `node --cpu-prof`
// for a few seconds each and prints where the server's CPU time went: the top functions by self
// time and the share of each area (HTTP, Fastify, SQL, crypto, Tollgate's own code...). The raw
// .cpuprofile files stay in bench/results/profiles/ for a flame graph (Chrome DevTools, speedscope).
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import path from 'node:path'
import { benchDocument } from './data.js'
import { load } from './load.js'
import { startTollgate } from './processes.js'
import { BENCH_ENV, scenarios } from './scenarios.js'

const seconds = Number(process.env.BENCH_SECONDS ?? 4)
const only = new RegExp(process.argv[2] ?? 'client credentials|refresh|unknown client|blocked user|brute force', 'i')
const outDir = path.join(import.meta.dirname, '..', '..', 'bench', 'results', 'profiles')

interface Node { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }
interface Profile { nodes: Node[], samples: number[], timeDeltas: number[] }

/** The area a function belongs to, from its script's path. */
function area (url: string, name: string): string {
  if (name === '(garbage collector)') return 'gc'
  if (name === '(idle)' || name === '(program)') return name
  if (url === '') return name.startsWith('(') ? name : 'native'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1]
  if (pkg) return pkg
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/').slice(0, 2).join('/')
  const own = /dist\/((?:src|plugins|schemas)\/[^/]+)/.exec(url)?.[1]
  return own ?? url
}

function summarise (file: string): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const total = [...self.entries()].filter(([id]) => byId.get(id)!.callFrame.functionName !== '(idle)').reduce((a, [, t]) => a + t, 0)
  const fns = new Map<string, number>()
  const areas = new Map<string, number>()
  for (const [id, t] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame
    if (functionName === '(idle)') continue
    const where = area(url, functionName)
    fns.set(`${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`, (fns.get(`${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`) ?? 0) + t)
    areas.set(where, (areas.get(where) ?? 0) + t)
  }
  const top = (m: Map<string, number>, n: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([k, t]) => `  ${(100 * t / total).toFixed(1).padStart(5)}%  ${k}`).join('\n')
  return `busy CPU ${(total / 1e6).toFixed(2)} s\nby area:\n${top(areas, 14)}\ntop functions (self time):\n${top(fns, 14)}`
}

mkdirSync(outDir, { recursive: true })
for (const scenario of scenarios.filter((s) => s.server === 'tollgate' && only.test(s.name))) {
  const dir = path.join(outDir, 'tmp')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const server = await startTollgate(benchDocument, { ...BENCH_ENV, ...scenario.env }, ['--cpu-prof', `--cpu-prof-dir=${dir}`])
  let result
  try {
    const workload = typeof scenario.workload === 'function' ? await scenario.workload(server.url) : scenario.workload ?? {}
    result = await load({ url: server.url + scenario.path, method: scenario.method, ...workload, connections: scenario.connections, seconds, warmupSeconds: 1, expectedStatus: scenario.expectedStatus })
  } finally {
    await server.stop()
  }
  const written = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f))
  const slug = scenario.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()
  const target = path.join(outDir, `${slug}.cpuprofile`)
  renameSync(written[0]!, target)
  process.stdout.write(`\n## ${scenario.name}: ${result.rps.toFixed(0)} req/s (${scenario.connections} connections, ${seconds}s)\n${summarise(target)}\n`)
}
