// Prometheus metrics on their own listener: what logins, refusals and requests did, read the way
// Prometheus reads them; never on the public port.
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import t from 'tap'
import { freePort, valueOf } from './helpers/metrics.js'
import { defaults } from '../src/config.js'
import { buildTestApp, passwordBody, provision, testConfig } from './helpers/app.js'
import { fixture, PASSWORD } from './helpers/fixture.js'
import { exitWithin, serve } from './helpers/process.js'

t.test('login outcomes, refusals and request durations, on the metrics port only', async (t) => {
  const port = await freePort()
  const app = await buildTestApp(t, {
    config: {
      metrics: { host: '127.0.0.1', port },
      rateLimits: { ...defaults.rateLimits, routes: { '/.well-known/jwks.json': { max: 1, windowSeconds: 60 } } },
    },
  })
  const login = (fields: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' }, payload: passwordBody(fields) })
  t.equal((await login({ password: PASSWORD })).statusCode, 200)
  t.equal((await login({ password: 'wrong' })).statusCode, 401)
  t.equal((await login({ username: 'nobody@acme.test', password: 'wrong' })).statusCode, 401)
  t.equal((await login({ username: 'bob@acme.test', password: PASSWORD })).statusCode, 401)
  for (let i = 0; i < 2; i++) await app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: 'acme.test' } })

  const res = await fetch(`http://127.0.0.1:${port}/metrics`)
  t.equal(res.status, 200)
  t.match(res.headers.get('content-type'), /^text\/plain/)
  const text = await res.text()
  t.equal(valueOf(text, 'tollgate_login_outcomes_total{outcome="success"}'), 1)
  t.equal(valueOf(text, 'tollgate_login_outcomes_total{outcome="wrong_password"}'), 1)
  t.equal(valueOf(text, 'tollgate_login_outcomes_total{outcome="unknown_user"}'), 1)
  t.equal(valueOf(text, 'tollgate_login_outcomes_total{outcome="blocked"}'), 1)
  t.equal(valueOf(text, 'tollgate_rate_limit_refusals_total{limit="ip"}'), 1)
  t.equal(valueOf(text, 'tollgate_http_request_duration_seconds_count{route="/oauth/ro",method="POST",status_code="200"}'), 1)
  t.equal(valueOf(text, 'tollgate_http_request_duration_seconds_count{route="/.well-known/jwks.json",method="GET",status_code="429"}'), 1)
  t.equal(valueOf(text, 'tollgate_hash_queue_depth'), 0)
  t.equal(valueOf(text, 'tollgate_hashes_in_flight'), 0)
  for (const name of ['tollgate_load_shed_total', 'tollgate_refresh_token_reuse_total', 'tollgate_backend_errors_total', 'process_cpu_seconds_total']) {
    t.match(text, `# TYPE ${name} `, `${name} is exported`)
  }

  const publicPort = await app.inject({ method: 'GET', url: '/metrics', headers: { host: 'acme.test' } })
  t.equal(publicPort.statusCode, 404, 'not on the public port')
  t.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404)
})

t.test('a metrics port in use stops the start', async (t) => {
  const taken = net.createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { taken.close() })
  const port = (taken.address() as AddressInfo).port
  await t.rejects(buildTestApp(t, { config: { metrics: { host: '127.0.0.1', port } } }), { code: 'EADDRINUSE' })
})

/** One request on a connection of its own (agent: false), so that requests spread over the workers. */
function request (url: string, method: string, body?: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = http.request(url, {
      method, agent: false, timeout: 30_000, headers: { host: 'acme.test', ...(payload ? { 'content-type': 'application/json' } : {}) },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode!)) })
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')))
    req.on('error', reject)
    req.end(payload)
  })
}

t.test('with two workers, the main process serves every worker\'s series, summed', async (t) => {
  const config = testConfig(t)
  await provision(config, fixture())
  const metricsPort = await freePort()
  const server = await serve(t, ['serve'], {
    TOLLGATE_DATA_DIR: config.dataDir, PORT: '0', LOG_LEVEL: 'info', TOLLGATE_WORKERS: '2', TOLLGATE_METRICS_PORT: String(metricsPort),
    TOLLGATE_ARGON2_MEMORY_COST: '4096', TOLLGATE_ARGON2_TIME_COST: '1', TOLLGATE_MAX_EVENT_LOOP_DELAY_MS: '0',
  })
  await server.waitFor(new RegExp(`Prometheus metrics on http://127\\.0\\.0\\.1:${metricsPort}/metrics`))
  const requests = 10
  const jwks = await Promise.all(Array.from({ length: requests }, () => request(`${server.url}/.well-known/jwks.json`, 'GET')))
  t.same(jwks, Array(requests).fill(200))
  const wrong = await Promise.all(Array.from({ length: 4 }, () => request(`${server.url}/oauth/ro`, 'POST', passwordBody({ password: 'wrong' }))))
  t.same(wrong, Array(4).fill(401))

  // Which worker answered each request: the request log names its process.
  const answeredBy = new Map<number, number>()
  for (const line of server.output().split('\n').filter((l) => l.includes('"msg":"request completed"'))) {
    const pid = JSON.parse(line).pid as number
    answeredBy.set(pid, (answeredBy.get(pid) ?? 0) + 1)
  }
  t.equal(answeredBy.size, 2, `both workers answered (${JSON.stringify([...answeredBy.values()])})`)

  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
  t.equal(res.status, 200)
  const text = await res.text()
  t.equal(valueOf(text, 'tollgate_http_request_duration_seconds_count{route="/.well-known/jwks.json",method="GET",status_code="200"}'), requests)
  t.equal(valueOf(text, 'tollgate_http_request_duration_seconds_count{route="/oauth/ro",method="POST",status_code="401"}'), 4)
  t.equal(valueOf(text, 'tollgate_login_outcomes_total{outcome="wrong_password"}'), 4)
  const versions = text.split('\n').filter((l) => l.startsWith('nodejs_version_info{'))
  t.same(versions.map((l) => l.split(' ').pop()), ['1'], 'one Node version series, not one per worker')
  t.equal((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status, 404)

  server.child.kill('SIGTERM')
  t.same(await exitWithin(server), { code: 0, signal: null })
})
