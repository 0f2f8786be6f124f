// Signing-key rotation end to end, through the `tollgate keys` command against the running app's
// data directory: tokens signed before a rotation keep verifying while both keys are published;
// once the old key's tokens have all expired it leaves the JWKS, `keys prune` deletes it, and
// tokens it signed are refused.
import Database from 'better-sqlite3'
import { decodeProtectedHeader, errors as joseErrors } from 'jose'
import path from 'node:path'
import t from 'tap'
import { formatKeyListing, listKeys, pruneKeys, rotateKeys } from '../src/cli/keys.js'
import type { Config } from '../src/config.js'
import type { Store } from '../src/store/port.js'
import type { SigningAlgorithm } from '../src/tokens/keys.js'
import { loadConfig } from '../src/config.js'
import { openSqliteStore, SQLITE_FILE } from '../src/store/sqlite.js'
import { generateSigningKey } from '../src/tokens/keys.js'
import { buildTestApp, passwordBody, TEST_ARGON2 } from './helpers/app.js'
import { invalidIdToken, JWT_BEARER, jwtBearerFixture, keys, verifyServed } from './helpers/jwt-bearer.js'

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']
const tokens = { idTokenLifetime: 3600, accessTokenLifetime: 7200, refreshTokenLifetime: 86400, refreshTokenIdleLifetime: 86400 }

t.test('rotation, overlap, retirement and pruning', async (t) => {
  const dataDir = t.testdir()
  const app = await buildTestApp(t, { document: jwtBearerFixture(), config: { dataDir, tokens } })
  const config = loadConfig({}, { dataDir, logLevel: 'silent', argon2: TEST_ARGON2, tokens })
  // The command runs as the CLI does: its own store on the same data directory as the server.
  const store = await openSqliteStore(dataDir)
  t.teardown(() => store.close())
  const printed: string[] = []
  const keysCli = (...args: string[]) => runKeys(store, config, args, printed)
  const jwks = async (host = 'acme.test') =>
    (await app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host } })).json().keys as Array<Record<string, unknown>>
  const loginTokens = async () => {
    const res = await app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' }, payload: passwordBody() })
    t.equal(res.statusCode, 200)
    return res.json() as { id_token: string, access_token: string }
  }
  const exchange = (idToken: string) => app.inject({
    method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' },
    payload: { grant_type: JWT_BEARER, client_id: 'spa', device: 'laptop', id_token: idToken },
  })

  const before = await loginTokens()
  t.equal(decodeProtectedHeader(before.id_token).kid, keys.acme.kid, 'signed by the (imported) current key')

  const rotatedAt = Math.floor(Date.now() / 1000)
  await keysCli('rotate', '--tenant', 'acme', '--alg', 'ES256')
  const [, newKid, oldKid, until] = /^acme: new current key (\S+) \(ES256\); (\S+) stays published until (\S+)$/.exec(printed.pop()!) ?? []
  t.equal(oldKid, keys.acme.kid)
  t.ok(newKid)
  const retireAfter = Date.parse(until) / 1000
  t.ok(retireAfter >= rotatedAt + 7200 + 15 && retireAfter <= rotatedAt + 7200 + 15 + 5,
    'published for the longest token lifetime (access token, 2 h) plus the clock tolerance')

  await t.test('during the overlap both keys are published and the old tokens verify', async (t) => {
    const published = await jwks()
    t.same(published.map((k) => [k.kid, k.alg]), [[newKid, 'ES256'], [oldKid, 'RS256']], 'current first')
    for (const key of published) for (const m of PRIVATE_MEMBERS) t.notOk(m in key, `no private member ${m} in the JWKS`)
    const claims = await verifyServed(app, before.id_token, { audience: 'spa', algorithms: ['RS256', 'ES256'] })
    t.equal(claims.sub, 'auth0|alice')
    t.equal((await exchange(before.id_token)).statusCode, 200, 'the old id_token is still exchanged')
  })

  await t.test('new tokens are signed with the new key', async (t) => {
    const after = await loginTokens()
    t.same(decodeProtectedHeader(after.id_token), { alg: 'ES256', typ: 'JWT', kid: newKid })
    await verifyServed(app, after.id_token, { audience: 'spa', algorithms: ['ES256'] })
    t.equal((await exchange(after.id_token)).statusCode, 200)
  })

  await t.test('keys list shows both; nothing to prune yet', async (t) => {
    printed.length = 0
    await keysCli('list', '--tenant', 'acme')
    t.equal(printed.length, 2)
    t.match(printed[0], new RegExp(`^acme  ${newKid}  ES256  current  created \\S+  signing$`))
    t.match(printed[1], new RegExp(`^acme  ${oldKid}  RS256  previous  created \\S+  published until ${until}$`))
    t.notMatch(printed.join('\n'), /PRIVATE KEY|"d"/, 'no private key is printed')
    printed.length = 0
    await keysCli('prune', '--tenant', 'acme')
    t.same(printed, ['acme: no expired keys'])
  })

  await t.test('once every token of the old key has expired, it leaves the JWKS, and prune deletes it', async (t) => {
    // Standing in for the passing of two hours: the old key's retire_after is moved into the past.
    const db = new Database(path.join(dataDir, SQLITE_FILE))
    db.prepare('UPDATE signing_keys SET retire_after = ? WHERE kid = ?').run(Math.floor(Date.now() / 1000) - 1, oldKid)
    db.close()
    t.same((await jwks()).map((k) => k.kid), [newKid], 'no longer published')
    printed.length = 0
    await keysCli('list', '--tenant', 'acme')
    t.match(printed[1], /previous {2}created \S+ {2}expired since/)

    printed.length = 0
    await keysCli('prune')
    t.same(printed, [`acme: deleted ${oldKid}`, 'other: no expired keys'])
    printed.length = 0
    await keysCli('list', '--tenant', 'acme')
    t.equal(printed.length, 1)

    const refused = await exchange(before.id_token)
    t.equal(refused.statusCode, 400)
    t.same(refused.json(), invalidIdToken)
    await t.rejects(verifyServed(app, before.id_token, { audience: 'spa', algorithms: ['RS256', 'ES256'] }), joseErrors.JWKSNoMatchingKey)
  })
})

t.test('EdDSA per tenant, and rotate without --alg keeps the current algorithm', async (t) => {
  const dataDir = t.testdir()
  const document = jwtBearerFixture()
  const app = await buildTestApp(t, { document, config: { dataDir } })
  const config = loadConfig({}, { dataDir, logLevel: 'silent', argon2: TEST_ARGON2 })
  const store = await openSqliteStore(dataDir)
  t.teardown(() => store.close())
  const printed: string[] = []
  const keysCli = (...args: string[]) => runKeys(store, config, args, printed)

  await keysCli('rotate', '--tenant', 'other', '--alg', 'EdDSA')
  await keysCli('rotate', '--tenant', 'other')
  t.match(printed, [/^other: new current key \S+ \(EdDSA\); other-legacy-1 stays/, /^other: new current key \S+ \(EdDSA\); \S+ stays/])
  const res = await app.inject({
    method: 'POST', url: '/oauth/ro', headers: { host: 'other.test' },
    payload: { grant_type: 'password', client_id: 'other-app', connection: 'other-db', username: 'alice@acme.test', password: 'another password' },
  })
  t.equal(res.statusCode, 200)
  t.equal(decodeProtectedHeader(res.json().id_token).alg, 'EdDSA')
  const claims = await verifyServed(app, res.json().id_token, { host: 'other.test', issuer: 'http://other.test/', audience: 'other-app', algorithms: ['EdDSA'] })
  t.equal(claims.sub, 'other|alice')
  const published = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: 'other.test' } })).json().keys
  t.same(published.map((k: { alg: string }) => k.alg), ['EdDSA', 'EdDSA', 'ES256'], 'both replaced keys still published')
})

t.test('keys made in the same second are published newest first, whatever their kids', async (t) => {
  const dataDir = t.testdir()
  const app = await buildTestApp(t, { config: { dataDir } })
  const store = await openSqliteStore(dataDir)
  t.teardown(() => store.close())
  const tenant = (await store.tenantByHost('acme.test'))!
  const sameSecond = Math.floor(Date.now() / 1000)
  // Made in this order, in one second, the older with the smaller kid: ordering by kid would put it first.
  const [older, newer] = [generateSigningKey(tenant.id, 'ES256'), generateSigningKey(tenant.id, 'ES256')].sort((a, b) => a.kid.localeCompare(b.kid))
  for (const key of [older, newer]) {
    await store.insertSigningKey({ ...key, status: 'previous', createdAt: sameSecond, retireAfter: sameSecond + 3600 })
  }
  const published = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: 'acme.test' } })).json().keys
  t.same(published.map((k: { kid: string }) => k.kid).slice(1), [newer.kid, older.kid], 'after the current key')
})

/** `tollgate keys list|rotate|prune [--tenant T] [--alg A]` as the CLI runs it, lines into `printed`. */
async function runKeys (store: Store, config: Config, [action, ...args]: string[], printed: string[]) {
  const option = (name: string) => { const at = args.indexOf(name); return at < 0 ? undefined : args[at + 1] }
  const tenant = option('--tenant')
  if (action === 'list') printed.push(...(await listKeys(store, tenant)).map((k) => formatKeyListing(k)))
  if (action === 'rotate') printed.push(...await rotateKeys(store, config, tenant, option('--alg') as SigningAlgorithm | undefined))
  if (action === 'prune') printed.push(...await pruneKeys(store, tenant))
}
