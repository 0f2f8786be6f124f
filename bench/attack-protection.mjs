// Attack-protection load scenarios (not a test: numbers depend on the machine). Run after a build:
//   npm run build && node bench/attack-protection.mjs
// The server runs in a child process; this process is the load generator (keep-alive, N loops).
// 1. bare Fastify JSON POST route (the baseline)
// 2. /oauth/ro answered 400 (missing password)       3. /oauth/ro answered 429 (account blocked)
// 4. 10x more concurrent logins than the hash serves: accepted p50/p99, 503s and their p99
// One client IP makes every request: suspicious-IP throttling is off, the request limits are huge.
import { fork } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)

if (process.argv[2] === 'server') {
  const { default: Fastify } = await import('fastify')
  const { buildApp } = await import('../dist/src/app.js')
  const { loadConfig } = await import('../dist/src/config.js')
  const { applyDocument } = await import('../dist/src/provisioning/apply.js')
  const { createArgon2Hasher } = await import('../dist/src/security/password-hasher.js')
  const { openSqliteStore } = await import('../dist/src/store/sqlite.js')
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-'))
  process.on('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }))
  const config = loadConfig({ TOLLGATE_DATA_DIR: dataDir, LOG_LEVEL: 'silent', TOLLGATE_RATE_LIMIT_MAX: '100000000', TOLLGATE_ACCOUNT_RATE_LIMIT_MAX: '100000000', TOLLGATE_SUSPICIOUS_IP_ENABLED: 'false' })
  const store = await openSqliteStore(dataDir)
  const users = Array.from({ length: 50 }, (_, i) => ({ connection: 'db', email: `user${i}@bench.test`, password: 'bench password' }))
  users.push({ connection: 'db', email: 'blocked@bench.test', password: 'bench password' })
  await applyDocument(store, createArgon2Hasher(config.argon2), { tenants: [{ name: 'bench', hosts: ['localhost'], default: true,
    connections: [{ name: 'db', strategy: 'database', enabled_clients: ['app'] }],
    clients: [{ client_id: 'app', name: 'App', type: 'spa', grant_types: ['password'] }], users }] })
  await store.close()
  const app = await buildApp({ config })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const bare = Fastify()
  bare.post('/', async () => ({ ok: true }))
  await bare.listen({ port: 0, host: '127.0.0.1' })
  process.send({ app: app.server.address().port, bare: bare.server.address().port, concurrency: config.loadShedding.hashConcurrency, queue: config.loadShedding.hashQueue })
} else {
  await main()
}

async function main () {
  const server = fork(fileURLToPath(import.meta.url), ['server'])
  const ports = await new Promise((resolve) => server.once('message', resolve))
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1000 })
  const post = (port, path, body) => new Promise((resolve, reject) => {
    const payload = JSON.stringify(body)
    const started = performance.now()
    const req = http.request({ port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - started }))
    })
    req.on('error', reject)
    req.end(payload)
  })
  async function run (name, port, path, body, connections) {
    const results = []
    const until = performance.now() + SECONDS * 1000
    await Promise.all(Array.from({ length: connections }, async (_, i) => {
      while (performance.now() < until) results.push(await post(port, path, typeof body === 'function' ? body(i) : body))
    }))
    const byStatus = {}
    for (const r of results) (byStatus[r.status] ??= []).push(r.ms)
    const line = Object.entries(byStatus).map(([status, ms]) => {
      ms.sort((a, b) => a - b)
      const p = (q) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(1)
      return `${status}: ${(ms.length / SECONDS).toFixed(0)}/s p50 ${p(0.5)} ms p99 ${p(0.99)} ms`
    }).join('; ')
    console.log(`${name.padEnd(44)} ${line}`)
  }
  const login = (fields) => ({ grant_type: 'password', client_id: 'app', connection: 'db', username: 'user0@bench.test', password: 'bench password', scope: 'openid', ...fields })

  // Block one account first (10 failures from this IP).
  for (let i = 0; i < 10; i++) await post(ports.app, '/oauth/ro', login({ username: 'blocked@bench.test', password: 'wrong' }))

  console.log(`${os.availableParallelism()} cores; hashes: ${ports.concurrency} at once, ${ports.queue} waiting; ${SECONDS} s per scenario`)
  await run('bare Fastify POST (baseline), 50 connections', ports.bare, '/', { a: 1 }, 50)
  await run('/oauth/ro 400 missing password, 50 conn.', ports.app, '/oauth/ro', login({ password: undefined }), 50)
  await run('/oauth/ro 429 account blocked, 50 conn.', ports.app, '/oauth/ro', login({ username: 'blocked@bench.test' }), 50)
  await run('/oauth/ro logins, 8 connections', ports.app, '/oauth/ro', (i) => login({ username: `user${i % 50}@bench.test` }), 8)
  await run('/oauth/ro logins, 100 connections (overload)', ports.app, '/oauth/ro', (i) => login({ username: `user${i % 50}@bench.test` }), 100)
  agent.destroy()
  server.kill('SIGTERM')
}
