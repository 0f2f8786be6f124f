// PostgreSQL going away and coming back: every request meanwhile is answered 503
// temporarily_unavailable with Retry-After (never a 500, never a hang), readiness says the instance
// should get no traffic while it still lives, and the same instance serves (and is ready) again once
// the database is back, without a restart.
import t from 'tap'
import { loadConfig } from '../src/config.js'
import { buildTestApp, passwordBody, provision, TEST_ARGON2 } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'
import { poster } from './helpers/http.js'
import { startInstance } from './helpers/instances.js'
import { freshDatabase, outageRelay } from './helpers/postgres.js'
import { MACHINE_SECRET, ORDERS_API, sessionsFixture } from './helpers/sessions-fixture.js'

const DEADLINE_MS = 15_000
const UNAVAILABLE = { error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable. Try again shortly.' }

t.test('the database stops, then starts again', async (t) => {
  const relay = await outageRelay(t, await freshDatabase(t))
  const app = await buildTestApp(t, { document: sessionsFixture(), config: { database: { url: relay.url, poolSize: 4 } } })
  const token = poster(app, '/oauth/token')
  const requests = {
    password: () => token({ grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD }),
    clientCredentials: () => token({ grant_type: 'client_credentials', client_id: 'machine', client_secret: MACHINE_SECRET, audience: ORDERS_API }),
    ro: () => app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' }, payload: passwordBody() }),
    jwks: () => app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: 'acme.test' } }),
  }
  const probe = (path: string) => app.inject({ method: 'GET', url: path })
  for (const [name, send] of Object.entries(requests)) t.equal((await send()).statusCode, 200, `${name} before`)
  t.same((await probe('/health/ready')).json(), { status: 'ready' }, 'ready before')

  await relay.cut()
  for (const [name, send] of Object.entries(requests)) {
    const started = Date.now()
    const res = await send()
    t.equal(res.statusCode, 503, `${name} while down`)
    t.same(res.json(), UNAVAILABLE, `${name}: body`)
    t.equal(res.headers['retry-after'], '1', `${name}: Retry-After`)
    t.ok(Date.now() - started < 10_000, `${name}: answered, not left hanging`)
  }
  const started = Date.now()
  const ready = await probe('/health/ready')
  t.equal(ready.statusCode, 503, 'not ready while the database is down')
  t.same(ready.json(), { error: 'temporarily_unavailable', error_description: 'Not ready: the store does not answer.' })
  t.equal(ready.headers['cache-control'], 'no-store')
  t.ok(Date.now() - started < 10_000, 'readiness answered, not left hanging')
  t.equal((await probe('/health/live')).statusCode, 200, 'still live: restarting it would not help')

  await relay.restore()
  // The pool drops the connections the outage broke and opens new ones: the first request succeeds.
  for (const [name, send] of Object.entries(requests)) t.equal((await send()).statusCode, 200, `${name} after`)
  t.same((await probe('/health/ready')).json(), { status: 'ready' }, 'ready again')
})

t.test('a real instance (tollgate serve) through an outage: not ready and 503 while down, serving again after, never exited', async (t) => {
  const url = await freshDatabase(t)
  await provision(loadConfig({}, { database: { url, poolSize: 1 }, argon2: TEST_ARGON2 }), sessionsFixture())
  const relay = await outageRelay(t, url)
  const instance = await startInstance(t, { TOLLGATE_DATABASE_URL: relay.url, TOLLGATE_DATABASE_POOL_SIZE: '4' })
  let exited: number | null | undefined
  instance.child.once('exit', (code) => { exited = code })
  const login = () => instance.post('/oauth/token', { grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD })
  const ready = () => instance.request('GET', '/health/ready')
  t.equal((await login()).status, 200, 'serving before')
  t.equal((await ready()).status, 200, 'ready before')

  await relay.cut()
  const refused = await login()
  t.equal(refused.status, 503, 'a login while the database is down')
  t.same(refused.json(), UNAVAILABLE)
  t.equal(refused.headers['retry-after'], '1')
  const notReady = await ready()
  t.equal(notReady.status, 503, 'not ready')
  t.same(notReady.json(), { error: 'temporarily_unavailable', error_description: 'Not ready: the store does not answer.' })
  t.equal((await instance.request('GET', '/health/live')).status, 200, 'still live')

  await relay.restore()
  const deadline = Date.now() + DEADLINE_MS
  let status = 0
  while (Date.now() < deadline && (status = (await ready()).status) !== 200) await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal(status, 200, `ready again within ${DEADLINE_MS} ms of the database coming back`)
  t.equal((await login()).status, 200, 'serving again, without a restart')
  t.equal(exited, undefined, 'the process never exited')
})
