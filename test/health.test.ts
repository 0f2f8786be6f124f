// GET /health/live and /health/ready through HTTP: outside tenants, rate limits, load shedding and
// CORS; readiness says why it is not ready, in the error shape.
import { spawn } from 'node:child_process'
import net, { type AddressInfo } from 'node:net'
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { TEST_REDIS_URL } from './helpers/attack.js'

const get = (app: Awaited<ReturnType<typeof buildTestApp>>, url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers: { host: 'nobody.example', ...headers } })

t.setTimeout(300_000)

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

t.test('not ready when Redis stops answering', async (t) => {
  const port = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  const exited = new Promise((resolve) => redis.once('exit', resolve))
  t.teardown(async () => { if (redis.exitCode === null) { redis.kill('SIGKILL'); await exited } })
  const url = `redis://127.0.0.1:${port}`
  // redis-server takes a moment to listen: wait for it, with a deadline.
  const deadline = Date.now() + 30_000
  while (!(await new Promise<boolean>((resolve) => net.connect(port, '127.0.0.1').once('connect', function (this: net.Socket) { this.destroy(); resolve(true) }).once('error', () => resolve(false))))) {
    if (Date.now() > deadline) throw new Error(`redis-server on ${port} does not answer`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const app = await buildTestApp(t, { config: { redisUrl: url } })
  t.equal((await get(app, '/health/ready')).statusCode, 200)
  redis.kill('SIGKILL')
  await exited
  const res = await get(app, '/health/ready')
  t.equal(res.statusCode, 503)
  t.same(res.json(), { error: 'temporarily_unavailable', error_description: 'Not ready: Redis does not answer.' })
})
