// GET /health/live and /health/ready through HTTP: outside tenants, rate limits, load shedding and
// CORS; readiness says why it is not ready, in the error shape.
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { TEST_REDIS_URL } from './helpers/attack.js'

const get = (app: Awaited<ReturnType<typeof buildTestApp>>, url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers: { host: 'nobody.example', ...headers } })

t.test('live and ready, for any host, without CORS or rate-limit headers, never rate limited', async (t) => {
  const app = await buildTestApp(t, { config: { redisUrl: TEST_REDIS_URL, rateLimits: { ...(await import('../src/config.js')).defaults.rateLimits, perIp: { max: 1, windowSeconds: 60 } } } })
  for (let i = 0; i < 3; i++) {
    const live = await get(app, '/health/live', { origin: 'https://evil.example' })
    t.equal(live.statusCode, 200)
    t.same(live.json(), { status: 'live' })
    t.equal(live.headers['access-control-allow-origin'], undefined, 'no CORS')
    t.equal(live.headers['x-ratelimit-limit'], undefined, 'not rate limited')
    t.equal(live.headers['cache-control'], 'no-store')
    const ready = await get(app, '/health/ready')
    t.equal(ready.statusCode, 200)
    t.same(ready.json(), { status: 'ready' })
  }
})

t.test('not ready while shedding load; still live', async (t) => {
  const { defaults } = await import('../src/config.js')
  const app = await buildTestApp(t, { config: { loadShedding: { ...defaults.loadShedding, maxEventLoopDelayMs: 0, maxHeapUsedBytes: 1, sampleIntervalMs: 10 } } })
  const deadline = Date.now() + 30_000
  while (!app.isUnderPressure()) {
    if (Date.now() > deadline) throw new Error('never under pressure')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  t.equal((await get(app, '/health/live')).statusCode, 200)
  const ready = await get(app, '/health/ready')
  t.equal(ready.statusCode, 503)
  t.same(ready.json(), { error: 'temporarily_unavailable', error_description: 'Not ready: the server is shedding load.' })
})

t.test('not ready without a tenant, or while draining', async (t) => {
  const empty = await buildTestApp(t, { document: { tenants: [] } })
  t.same((await get(empty, '/health/ready')).json(), { error: 'temporarily_unavailable', error_description: 'Not ready: no tenant is provisioned.' })

  const app = await buildTestApp(t)
  app.tollgate.lifecycle.draining = true
  const res = await get(app, '/health/ready')
  t.equal(res.statusCode, 503)
  t.same(res.json(), { error: 'temporarily_unavailable', error_description: 'Not ready: the server is shutting down.' })
  t.equal((await get(app, '/health/live')).statusCode, 200)
})
