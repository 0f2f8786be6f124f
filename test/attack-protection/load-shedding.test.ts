// Load shedding: at most `hashConcurrency` password hashes run and `hashQueue` wait; a login beyond
// that is answered 503 temporarily_unavailable with Retry-After at once, while the accepted ones
// finish. Event-loop pressure (@fastify/under-pressure) answers the same body.
import os from 'node:os'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import type { LimitedHasher } from '../../src/security/hash-limiter.js'
import { gatedHasher, login, protection } from '../helpers/attack.js'
import { buildTestApp } from '../helpers/app.js'

const BUSY = { error: 'temporarily_unavailable', error_description: 'The server is busy. Try again shortly.' }

t.test('beyond the hashes allowed to wait, logins are answered 503 at once; the accepted ones finish', async (t) => {
  const hasher = gatedHasher()
  const app = await buildTestApp(t, { hasher, config: protection({ loadShedding: { hashConcurrency: 1, hashQueue: 2, retryAfterSeconds: 3 } }) })
  hasher.hold()
  t.teardown(() => hasher.open())

  const answered: Array<{ statusCode: number, headers: Record<string, unknown>, json (): unknown }> = []
  const pending = Array.from({ length: 6 }, () => login(app).then((res) => { answered.push(res); return res }))
  while (answered.length < 3) await new Promise((resolve) => setImmediate(resolve))

  t.same(answered.map((r) => r.statusCode), [503, 503, 503], 'three refused while the hash is still held')
  for (const res of answered) {
    t.same(res.json(), BUSY)
    t.equal(res.headers['retry-after'], '3')
  }
  t.same((app.tollgate.hasher as LimitedHasher).load, { running: 1, waiting: 2 })
  t.equal(hasher.verifies, 1, 'only one hash started')

  hasher.open()
  const all = await Promise.all(pending)
  t.same(all.map((r) => r.statusCode).sort(), [200, 200, 200, 503, 503, 503])
  t.same((app.tollgate.hasher as LimitedHasher).load, { running: 0, waiting: 0 })
})

t.test('a login refused for load is not counted as a failure', async (t) => {
  const hasher = gatedHasher()
  const app = await buildTestApp(t, { hasher, config: protection({ bruteForce: { threshold: 2 }, loadShedding: { hashConcurrency: 1, hashQueue: 0 } }) })
  hasher.hold()
  t.teardown(() => hasher.open())
  const held = login(app)
  await hasher.entered
  for (let i = 0; i < 3; i++) t.same((await login(app)).json(), BUSY, `refused ${i + 1}`)
  hasher.open()
  t.equal((await held).statusCode, 200)
  t.equal((await login(app)).statusCode, 200, 'not blocked: the refused ones counted for nothing')
})

t.test('event-loop pressure answers the same 503 on every endpoint', async (t) => {
  const app = await buildTestApp(t, { config: protection({ loadShedding: { maxHeapUsedBytes: 1, sampleIntervalMs: 10, retryAfterSeconds: 2 } }) })
  while (!app.isUnderPressure()) await new Promise((resolve) => setTimeout(resolve, 10))
  for (const res of [await login(app), await app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: 'acme.test' } })]) {
    t.equal(res.statusCode, 503)
    t.same(res.json(), BUSY)
    t.equal(res.headers['retry-after'], '2')
  }
})

t.test('by default a few hashes per core may wait', async (t) => {
  const { loadShedding } = loadConfig({})
  t.equal(loadShedding.hashConcurrency, os.availableParallelism())
  t.equal(loadShedding.hashQueue, 4 * os.availableParallelism())
  t.equal(loadConfig({ TOLLGATE_HASH_QUEUE: '7', TOLLGATE_HASH_CONCURRENCY: '2' }).loadShedding.hashQueue, 7)
})
