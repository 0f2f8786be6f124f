// `tollgate serve` as production runs it, and `npm start` as a new user does: real processes on
// real sockets, stopped with SIGTERM. A drain lets requests in flight finish, is bounded, closes
// the store and Redis and exits 0; `npm start` applies the demo only into its own tenant and passes
// signals on to node.
import Database from 'better-sqlite3'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import t, { type Test } from 'tap'
import { SQLITE_FILE } from '../src/store/sqlite.js'
import { provision, testConfig } from './helpers/app.js'
import { TEST_REDIS_URL } from './helpers/attack.js'
import { fixture, PASSWORD } from './helpers/fixture.js'
import { LEGACY_USERS } from './helpers/user-store-server.js'
import { exitWithin, serve, start } from './helpers/process.js'
import { makeCertificate } from './helpers/tls.js'

t.setTimeout(600_000)

// Light hashes; and no event-loop shedding, which a machine busy with other tests would trigger at random.
const LIGHT_ARGON2 = { TOLLGATE_ARGON2_MEMORY_COST: '1024', TOLLGATE_ARGON2_TIME_COST: '1', TOLLGATE_MAX_EVENT_LOOP_DELAY_MS: '0' }

/** A user store that holds every login until the test releases it: a request that stays in flight. */
async function heldUserStore (t: Test) {
  const held: http.ServerResponse[] = []
  let arrived: () => void = () => {}
  const firstArrival = new Promise<void>((resolve) => { arrived = resolve })
  const server = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => { held.push(res); arrived() })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/login`,
    firstArrival,
    release: () => { for (const res of held) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(LEGACY_USERS['dave@legacy.test'])) },
  }
}

const legacyLogin = (url: string) => fetch(`${url}/oauth/ro`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ grant_type: 'password', client_id: 'spa', connection: 'legacy-db', username: 'dave@legacy.test', password: PASSWORD }),
})

/** Resolves once a new connection to `url` is refused; each try is a fresh connection. */
async function refusedWithin (url: string, deadlineMs = 60_000) {
  const deadline = Date.now() + deadlineMs
  while (Date.now() < deadline) {
    const refused = await new Promise<boolean>((resolve) => {
      http.get(url, { agent: false }, (res) => { res.resume(); resolve(false) }).on('error', () => resolve(true))
    })
    if (refused) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`${url} still answers ${deadlineMs} ms later`)
}

async function provisioned (t: Test, loginUrl: string) {
  const config = testConfig(t)
  const document = fixture({ loginUrl })
  // The requests below name the server by its address: the tenant lists it.
  document.tenants[0].hosts.push('127.0.0.1')
  await provision(config, document)
  return config.dataDir
}

t.test('SIGTERM drains: the request in flight finishes, new connections are refused, Redis and the store close, exit 0', async (t) => {
  const userStore = await heldUserStore(t)
  const dataDir = await provisioned(t, userStore.url)
  const server = await serve(t, ['serve'], {
    // One process: the listener it closes is its own (with workers, the main process holds it).
    TOLLGATE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', TOLLGATE_WORKERS: '1', TOLLGATE_REDIS_URL: TEST_REDIS_URL, ...LIGHT_ARGON2,
    TOLLGATE_CUSTOM_DATABASE_TIMEOUT_MS: '600000', TOLLGATE_SHUTDOWN_DRAIN_MS: '600000',
  })
  t.equal((await fetch(`${server.url}/health/ready`)).status, 200)

  const inFlight = legacyLogin(server.url)
  let arrived = false
  await Promise.race([userStore.firstArrival.then(() => { arrived = true }),
    inFlight.then((res) => { if (!arrived) throw new Error(`answered before the user store: ${res.status}`) })])
  server.child.kill('SIGTERM')
  await server.waitFor(/draining, then closing/)
  await refusedWithin(`${server.url}/health/live`)
  t.pass('the listener no longer takes connections')

  userStore.release()
  const res = await inFlight
  t.equal(res.status, 200, 'the request in flight was answered')
  t.match(await res.json(), { id_token: /^ey/ })
  t.same(await exitWithin(server), { code: 0, signal: null })
  t.match(server.output(), /"msg":"closed"/)
})

t.test('the drain is bounded: past TOLLGATE_SHUTDOWN_DRAIN_MS the connections are cut and the process still exits 0', async (t) => {
  const userStore = await heldUserStore(t)
  const dataDir = await provisioned(t, userStore.url)
  const server = await serve(t, ['serve'], {
    TOLLGATE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', ...LIGHT_ARGON2,
    TOLLGATE_CUSTOM_DATABASE_TIMEOUT_MS: '600000', TOLLGATE_SHUTDOWN_DRAIN_MS: '200',
  })
  const inFlight = legacyLogin(server.url).then(async (res) => `answered ${res.status} ${await res.text()}`, () => 'cut')
  await Promise.race([userStore.firstArrival, inFlight.then((outcome) => { throw new Error(`before the user store: ${outcome}`) })])
  server.child.kill('SIGTERM')
  t.same(await exitWithin(server), { code: 0, signal: null })
  t.equal(await inFlight, 'cut')
})

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`with workers, ${signal} to the whole process group (as ${signal === 'SIGTERM' ? 'systemd' : 'a terminal\'s Ctrl-C'} sends it) drains each worker once: the request in flight finishes, exit 0`, async (t) => {
    const userStore = await heldUserStore(t)
    const dataDir = await provisioned(t, userStore.url)
    const server = await serve(t, ['serve'], {
      TOLLGATE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', TOLLGATE_WORKERS: '2', ...LIGHT_ARGON2,
      TOLLGATE_CUSTOM_DATABASE_TIMEOUT_MS: '600000', TOLLGATE_SHUTDOWN_DRAIN_MS: '600000',
    }, { processGroup: true })
    const inFlight = legacyLogin(server.url)
    let arrived = false
    await Promise.race([userStore.firstArrival.then(() => { arrived = true }),
      inFlight.then((res) => { if (!arrived) throw new Error(`answered before the user store: ${res.status}`) })])
    // The main process and both workers receive the signal; the main process then sends each worker a SIGTERM.
    process.kill(-server.child.pid!, signal)
    await server.waitFor(new RegExp(`${signal}: stopping 2 workers`))
    userStore.release()
    const res = await inFlight
    t.equal(res.status, 200, 'the request in flight was answered')
    t.same(await exitWithin(server), { code: 0, signal: null })
    t.equal(server.output().match(/"msg":"closed"/g)?.length, 2, 'each worker closed once')
  })
}

t.test('npm start: the demo goes into its own tenant only, says so, and SIGTERM reaches node', async (t) => {
  const config = testConfig(t)
  // An operator's tenant already serves localhost as the default tenant.
  const own = fixture()
  own.tenants[0].hosts = ['localhost', 'acme.test']
  await provision(config, own)
  const npm = start(t, 'npm', ['start'], { TOLLGATE_DATA_DIR: config.dataDir, PORT: '0', LOG_LEVEL: 'warn', ...LIGHT_ARGON2 })
  const [, url] = await npm.waitFor(/Tollgate is listening on (\S+) /, 300_000)
  t.match(npm.output(), 'Demo data applied into tenant demo only; no other tenant was changed (tenant acme stays the default tenant; hosts localhost stay with their tenants).')
  t.equal((await fetch(`${url}/health/live`)).status, 200)

  npm.child.kill('SIGTERM')
  await exitWithin(npm)
  await refusedWithin(`${url}/health/live`)
  t.pass('node stopped with npm: nothing answers any more')

  const db = new Database(path.join(config.dataDir, SQLITE_FILE), { readonly: true })
  t.teardown(() => db.close())
  const tenants = db.prepare('SELECT name, is_default AS isDefault FROM tenants ORDER BY name').all()
  t.same(tenants, [{ name: 'acme', isDefault: 1 }, { name: 'demo', isDefault: 0 }, { name: 'other', isDefault: 0 }])
  const hosts = db.prepare('SELECT t.name, h.host FROM tenant_hosts h JOIN tenants t ON t.id = h.tenant_id ORDER BY h.host').all()
  t.same(hosts, [{ name: 'demo', host: '127.0.0.1' }, { name: 'acme', host: 'acme.test' }, { name: 'acme', host: 'localhost' }, { name: 'other', host: 'other.test' }])
})

t.test('with TLS, the banner and the demo command say https', async (t) => {
  const tls = makeCertificate(t)
  const config = testConfig(t)
  const server = await serve(t, ['serve', '--demo'], {
    TOLLGATE_DATA_DIR: config.dataDir, PORT: '0', LOG_LEVEL: 'warn', ...LIGHT_ARGON2, TOLLGATE_TLS_CERT_FILE: tls.certFile, TOLLGATE_TLS_KEY_FILE: tls.keyFile,
  })
  t.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/)
  await server.waitFor(/curl -s https:\/\/localhost:\d+\/oauth\/ro /)
  server.child.kill('SIGTERM')
  t.same(await exitWithin(server), { code: 0, signal: null })
})
