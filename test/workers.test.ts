// TOLLGATE_WORKERS=2: two worker processes on one port and one SQLite file, each with half of one
// process's thread pool unless the operator sized it. The invariants that
// must hold for the whole server, with parallel requests on separate connections (spread over the
// workers): a brute-force lockout lets exactly `threshold` attempts reach the hasher, a refresh token
// rotates once, an assertion's jti is spent once, and a request rate limit and the passwordless start
// limit count every worker's requests. Then SIGTERM stops the main process and every worker.
import { spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import t, { type Test } from 'tap'
import { serveProcess } from './helpers/serve-process.js'
import { provision, testConfig } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'
import { PASSWORDLESS_OTP } from '../src/grants/passwordless-otp.js'
import { assertion, assertionRefused, JWT_BEARER, jwtBearerFixture, keys } from './helpers/jwt-bearer.js'

const cli = path.join(import.meta.dirname, '..', 'dist', 'src', 'cli.js')
const API = 'https://api.acme.test/'
const PARALLEL = 10

/** One request on a connection of its own (agent: false), so that parallel requests spread over the workers. */
function request (port: number, method: string, url: string, body?: unknown): Promise<{ status: number, json: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = http.request({
      host: '127.0.0.1', port, method, path: url, agent: false, timeout: 30_000,
      headers: { host: 'acme.test', ...(payload ? { 'content-type': 'application/json' } : {}) },
    }, (res) => {
      let text = ''
      res.on('data', (c) => { text += c })
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }))
    })
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')))
    req.on('error', reject)
    req.end(payload)
  })
}

/** The worker processes of a server of several (the children of its main process). */
const workersOf = (pid: number): string[] => spawnSync('ps', ['--ppid', String(pid), '-o', 'pid='], { encoding: 'utf8' }).stdout.trim().split(/\s+/)

/** UV_THREADPOOL_SIZE as a process was started with (libuv reads it when its pool first runs). */
const threadPoolSetting = (pid: string): string | undefined => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
  .find((entry) => entry.startsWith('UV_THREADPOOL_SIZE='))?.slice('UV_THREADPOOL_SIZE='.length)

/** `tollgate serve` with two workers on the test's data directory; `env` adds to (or overrides) the defaults. */
function serveTwoWorkers (t: Test, dataDir: string, env: NodeJS.ProcessEnv) {
  return serveProcess(t, {
    ...process.env, UV_THREADPOOL_SIZE: undefined, TOLLGATE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', TOLLGATE_WORKERS: '2', ...env,
  }, 60_000)
}

/** SIGTERM to the main process: its exit code once it (and so every worker) has stopped. */
function stopped (child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  return exited
}

const statuses = (results: Array<{ status: number }>) => results.map((r) => r.status).sort()

t.test('two workers share one port and keep every invariant of the store', async (t) => {
  const config = testConfig(t)
  const document = jwtBearerFixture()
  const acme = document.tenants[0]
  acme.clients.push({ client_id: 'mobile', name: 'Mobile app', type: 'native', grant_types: ['password', 'refresh_token', PASSWORDLESS_OTP] })
  acme.connections[0].enabled_clients.push('mobile')
  acme.connections.push({ name: 'sms', strategy: 'sms', enabled_clients: ['mobile'] })
  await provision(config, document)
  const { port, child } = await serveTwoWorkers(t, config.dataDir, {
    TOLLGATE_ARGON2_MEMORY_COST: '4096',
    TOLLGATE_ARGON2_TIME_COST: '1',
    TOLLGATE_BRUTE_FORCE_THRESHOLD: '3',
    TOLLGATE_MAX_EVENT_LOOP_DELAY_MS: '0',
    TOLLGATE_HASH_QUEUE: '100',
    TOLLGATE_RATE_LIMIT_ROUTES: JSON.stringify({ '/.well-known/jwks.json': { max: 4, windowSeconds: 600 } }),
    TOLLGATE_PASSWORDLESS_START_LIMIT_PER_IP: '4',
  })
  const workers = workersOf(child.pid!)
  t.equal(workers.length, 2, 'two worker processes')
  t.same(workers.map(threadPoolSetting), ['2', '2'], "libuv's 4 pool threads of one process, shared out: 2 per worker")

  await t.test('brute force: exactly the threshold of parallel wrong passwords is verified', async (t) => {
    const wrong = { grant_type: 'password', client_id: 'spa', connection: 'db', username: 'alice@acme.test', password: 'wrong password', scope: 'openid' }
    const results = await Promise.all(Array.from({ length: PARALLEL }, () => request(port, 'POST', '/oauth/ro', wrong)))
    t.same(statuses(results), [...Array(3).fill(401), ...Array(PARALLEL - 3).fill(429)])
    const blocked = { error: 'too_many_attempts', error_description: 'Your account has been blocked after multiple consecutive login attempts.' }
    for (const r of results) t.same(r.json, r.status === 401 ? { error: 'invalid_user_password', error_description: 'Wrong email or password.' } : blocked)
    t.same(await request(port, 'POST', '/oauth/ro', { ...wrong, password: PASSWORD }), { status: 429, json: blocked }, 'the right password is refused too')
  })

  await t.test('refresh: of parallel uses of one token, exactly one rotates it', async (t) => {
    const login = await request(port, 'POST', '/oauth/token', { grant_type: 'password', client_id: 'mobile', username: 'carol@acme.test', password: PASSWORD, scope: 'openid offline_access' })
    t.equal(login.status, 200, JSON.stringify(login.json))
    const body = { grant_type: 'refresh_token', client_id: 'mobile', refresh_token: login.json.refresh_token }
    const results = await Promise.all(Array.from({ length: PARALLEL }, () => request(port, 'POST', '/oauth/token', body)))
    t.same(statuses(results), [200, ...Array(PARALLEL - 1).fill(403)])
    for (const r of results.filter((r) => r.status === 403)) t.same(r.json, { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' })
  })

  await t.test('jti: of parallel uses of one assertion, exactly one is accepted', async (t) => {
    const body = { grant_type: JWT_BEARER, audience: API, scope: 'read:things', assertion: await assertion('robot', keys.robotRsa) }
    const results = await Promise.all(Array.from({ length: PARALLEL }, () => request(port, 'POST', '/oauth/token', body)))
    t.same(statuses(results), [200, ...Array(PARALLEL - 1).fill(400)])
    for (const r of results.filter((r) => r.status === 400)) t.same(r.json, assertionRefused('the jti was already used'))
  })

  await t.test('a request rate limit counts the requests of every worker', async (t) => {
    const results = await Promise.all(Array.from({ length: PARALLEL }, () => request(port, 'GET', '/.well-known/jwks.json')))
    t.same(statuses(results), [...Array(4).fill(200), ...Array(PARALLEL - 4).fill(429)])
    for (const r of results.filter((r) => r.status === 429)) t.same(r.json, { error: 'too_many_requests', error_description: 'Too many requests. Try again later.' })
  })

  await t.test('the passwordless start limit per IP counts the starts of every worker', async (t) => {
    const starts = Array.from({ length: PARALLEL }, (_, i) =>
      request(port, 'POST', '/passwordless/start', { client_id: 'mobile', connection: 'sms', phone_number: `+1555000${String(200 + i).padStart(4, '0')}`, send: 'code' }))
    const results = await Promise.all(starts)
    t.same(statuses(results), [...Array(4).fill(200), ...Array(PARALLEL - 4).fill(429)])
    for (const r of results.filter((r) => r.status === 429)) t.same(r.json, { error: 'too_many_requests', error_description: 'Too many requests. Try again later.' })
  })

  await t.test('SIGTERM stops the main process and every worker', async (t) => {
    t.equal(await stopped(child), 0)
    const left = spawnSync('ps', ['-o', 'pid=', '-p', workers.join(',')], { encoding: 'utf8' }).stdout.trim()
    t.equal(left, '', 'no worker left')
  })
})

t.test("an operator's UV_THREADPOOL_SIZE is every worker's", async (t) => {
  const config = testConfig(t)
  await provision(config, jwtBearerFixture())
  const { child } = await serveTwoWorkers(t, config.dataDir, { UV_THREADPOOL_SIZE: '6' })
  t.same(workersOf(child.pid!).map(threadPoolSetting), ['6', '6'])
  t.equal(await stopped(child), 0)
})

t.test('the password-hash limits hold for the whole server: each worker takes its share', async (t) => {
  const config = testConfig(t)
  await provision(config, jwtBearerFixture())
  // Hashes slow enough (tens of ms at least) that every login below arrives while the first run.
  const { port, child } = await serveTwoWorkers(t, config.dataDir, {
    TOLLGATE_ARGON2_MEMORY_COST: '65536', TOLLGATE_ARGON2_TIME_COST: '4',
    TOLLGATE_HASH_CONCURRENCY: '2', TOLLGATE_HASH_QUEUE: '2', TOLLGATE_MAX_EVENT_LOOP_DELAY_MS: '0',
  })
  // Distinct unknown logins: each costs the decoy hash, and no account or IP limit is near.
  const logins = Array.from({ length: PARALLEL }, (_, i) => request(port, 'POST', '/oauth/ro',
    { grant_type: 'password', client_id: 'spa', connection: 'db', username: `nobody-${i}@acme.test`, password: 'wrong password', scope: 'openid' }))
  const results = await Promise.all(logins)
  const hashed = results.filter((r) => r.status === 401)
  const shed = results.filter((r) => r.status === 503)
  t.equal(hashed.length + shed.length, PARALLEL, `every login hashed or shed: ${JSON.stringify(statuses(results))}`)
  // 2 at once and 2 waiting for the whole server: one of each per worker. Each worker of the old
  // per-process limits took 2 and 2, so 8 were hashed.
  t.ok(hashed.length >= 1 && hashed.length <= 4, `at most 4 hashed (got ${hashed.length})`)
  for (const r of hashed) t.same(r.json, { error: 'invalid_user_password', error_description: 'Wrong email or password.' })
  for (const r of shed) t.same(r.json, { error: 'temporarily_unavailable', error_description: 'The server is busy. Try again shortly.' })
  t.equal(await stopped(child), 0)
})
