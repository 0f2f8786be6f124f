// Prometheus metrics on their own listener: what logins, refusals and requests did, read the way
// Prometheus reads them; never on the public port.
import net, { type AddressInfo } from 'node:net'
import t from 'tap'
import { freePort, valueOf } from './helpers/metrics.js'
import { defaults } from '../src/config.js'
import { buildTestApp, passwordBody } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'

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
