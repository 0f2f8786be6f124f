// A running server holds configuration in memory: a change made by another process on the same
// database (a key rotated by `tollgate keys rotate`, a client grant removed, a client deleted) must
// be served within a second. The server is a real process with its default settings; each change is
// made from another process (the CLI) or another connection to the same SQLite file, then polled for
// with a deadline.
import { spawnSync } from 'node:child_process'
import http from 'node:http'
import path from 'node:path'
import t, { type Test } from 'tap'
import { serveProcess } from './helpers/serve-process.js'
import { openSqliteStore } from '../src/store/sqlite.js'
import { provision, testConfig } from './helpers/app.js'
import { MACHINE_SECRET, ORDERS_API, sessionsFixture } from './helpers/sessions-fixture.js'

const cli = path.join(import.meta.dirname, '..', 'dist', 'src', 'cli.js')
/** The bound under test: a change is served within this long after the command that made it returned. */
const WITHIN_MS = 1000

function request (port: number, method: string, url: string, body?: unknown): Promise<{ status: number, json: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = http.request({ host: '127.0.0.1', port, method, path: url, agent: false, headers: { host: 'acme.test', ...(payload ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = ''
      res.on('data', (c) => { text += c })
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }))
    })
    req.on('error', reject)
    req.end(payload)
  })
}

/** Polls until `seen` holds, for at most WITHIN_MS from `since`; returns when it held (or fails). */
async function seenWithin (t: Test, what: string, since: number, seen: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (await seen()) {
      t.pass(`${what}: served ${Date.now() - since} ms after the change`)
      return
    }
    if (Date.now() - since > WITHIN_MS) {
      t.fail(`${what}: still not served ${WITHIN_MS} ms after the change`)
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

t.test('a key rotated, a client grant removed and a client deleted elsewhere are served within a second', async (t) => {
  const config = testConfig(t)
  await provision(config, sessionsFixture())
  const env = { ...process.env, TOLLGATE_DATA_DIR: config.dataDir, PORT: '0', LOG_LEVEL: 'warn', TOLLGATE_WORKERS: '1', TOLLGATE_ARGON2_MEMORY_COST: '4096' }
  const { port } = await serveProcess(t, env)
  const clientCredentials = { grant_type: 'client_credentials', client_id: 'machine', client_secret: MACHINE_SECRET, audience: ORDERS_API }
  const kidsServed = async () => (await request(port, 'GET', '/.well-known/jwks.json')).json.keys.map((k: { kid: string }) => k.kid)

  t.equal((await request(port, 'POST', '/oauth/token', clientCredentials)).status, 200)
  const [before] = await kidsServed()

  await t.test('keys rotate (the CLI, another process)', async (t) => {
    const rotated = spawnSync(process.execPath, [cli, 'keys', 'rotate', '--tenant', 'acme'], { env, encoding: 'utf8' })
    const since = Date.now()
    t.equal(rotated.status, 0, rotated.stderr)
    const newKid = /new current key (\S+)/.exec(rotated.stdout)?.[1]
    t.ok(newKid)
    await seenWithin(t, 'the new key in the JWKS', since, async () => (await kidsServed())[0] === newKid)
    const token = (await request(port, 'POST', '/oauth/token', clientCredentials)).json.access_token as string
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())
    t.equal(header.kid, newKid, 'tokens are signed with the new key')
    t.not(header.kid, before)
  })

  const store = await openSqliteStore(config.dataDir)
  t.teardown(() => store.close())
  const tenant = (await store.tenantByName('acme'))!

  await t.test('a client grant removed (another connection to the same file)', async (t) => {
    t.ok(await store.deleteClientGrant(tenant.id, 'machine', ORDERS_API))
    const since = Date.now()
    await seenWithin(t, 'the grant gone', since, async () => (await request(port, 'POST', '/oauth/token', clientCredentials)).status !== 200)
    t.same(await request(port, 'POST', '/oauth/token', clientCredentials), {
      status: 403,
      json: { error: 'access_denied', error_description: `Client is not authorized to access "${ORDERS_API}". You need to create a "client-grant" associated to this API.` },
    })
  })

  await t.test('a client deleted', async (t) => {
    t.ok(await store.deleteClient(tenant.id, 'machine'))
    const since = Date.now()
    await seenWithin(t, 'the client gone', since, async () => (await request(port, 'POST', '/oauth/token', clientCredentials)).status === 401)
    t.same(await request(port, 'POST', '/oauth/token', clientCredentials), {
      status: 401, json: { error: 'invalid_client', error_description: 'Client authentication failed.' },
    })
  })
})
