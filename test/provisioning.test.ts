// `tollgate apply`: idempotent, all-or-nothing, and precise about what is wrong in a file.
import argon2 from 'argon2'
import Database from 'better-sqlite3'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { loadConfig } from '../src/config.js'
import { applyDocument, ProvisioningError } from '../src/provisioning/apply.js'
import { createArgon2Hasher } from '../src/security/password-hasher.js'
import { openSqliteStore, SQLITE_FILE } from '../src/store/sqlite.js'
import { ProvisioningFile } from '../schemas/provisioning.js'
import { buildApp } from '../src/app.js'
import { passwordBody, TEST_ARGON2 } from './helpers/app.js'
import { fixture } from './helpers/fixture.js'

const hasher = createArgon2Hasher(TEST_ARGON2)

async function withStore<T> (dataDir: string, work: (store: Awaited<ReturnType<typeof openSqliteStore>>) => Promise<T>): Promise<T> {
  const store = await openSqliteStore(dataDir)
  try { return await work(store) } finally { await store.close() }
}

function dump (dataDir: string): Record<string, unknown[]> {
  const db = new Database(path.join(dataDir, SQLITE_FILE), { readonly: true })
  try {
    const tables = ['tenants', 'tenant_hosts', 'connections', 'clients', 'users', 'signing_keys']
    return Object.fromEntries(tables.map((name) => [name, db.prepare(`SELECT * FROM ${name} ORDER BY 1`).all()]))
  } finally {
    db.close()
  }
}

t.test('applying the same file twice changes nothing the second time', async (t) => {
  const dataDir = t.testdir()
  const first = await withStore(dataDir, (s) => applyDocument(s, hasher, fixture()))
  const entities = fixture().tenants.reduce((n, x) => n + 1 + x.connections.length + x.clients.length + x.users.length, 0)
  t.same(first, { created: entities, updated: 0, unchanged: 0 })
  const before = dump(dataDir)
  const second = await withStore(dataDir, (s) => applyDocument(s, hasher, fixture()))
  t.same(second, { created: 0, updated: 0, unchanged: entities })
  t.same(dump(dataDir), before, 'every row as it was, password hashes included')

  const changed = fixture()
  changed.tenants[0].users[0].name = 'Alice Pleasance Liddell'
  t.same(await withStore(dataDir, (s) => applyDocument(s, hasher, changed)), { created: 0, updated: 1, unchanged: entities - 1 })
})

t.test('a file that does not match the schema is refused, naming the bad field, and nothing is applied', async (t) => {
  const dataDir = t.testdir()
  const bad = fixture()
  ;(bad.tenants[1].clients[0] as any).type = 'desktop'
  const error = await withStore(dataDir, (s) => applyDocument(s, hasher, bad)).catch((e) => e)
  t.type(error, ProvisioningError)
  t.equal(error.path, '/tenants/1/clients/0/type')
  t.same(dump(dataDir).tenants, [], 'not even the valid first tenant')

  const cases: Array<[string, (doc: any) => void, string, RegExp]> = [
    ['dotted metadata key', (d) => { d.tenants[0].users[0].user_metadata = { 'a.b': 1 } }, '/tenants/0/users/0/user_metadata/a.b', /./],
    ['nested dotted metadata key', (d) => { d.tenants[0].users[0].app_metadata = { roles: { 'x.y': true } } }, '/tenants/0/users/0', /Fields with "\." are not allowed: app_metadata\.roles\.x\.y/],
    ['unknown connection of a user', (d) => { d.tenants[0].users[0].connection = 'nope' }, '/tenants/0/users/0/connection', /no connection nope/],
    ['client a connection names but the tenant lacks', (d) => { d.tenants[0].connections[0].enabled_clients.push('ghost') }, '/tenants/0/connections/0/enabled_clients/5', /no client ghost/],
    ['host served twice', (d) => { d.tenants[1].hosts.push('acme.test') }, '/tenants/1/hosts', /already served by tenant acme/],
    ['unknown property', (d) => { d.tenants[0].colour = 'red' }, '/tenants/0/colour', /./],
    ['user without any login', (d) => { d.tenants[0].users[0] = { connection: 'db', password: 'x' } }, '/tenants/0/users/0', /email, a username or a phone_number/],
    ['a client type not allowed', (d) => { d.tenants[0].clients[0].type = 'webapp' }, '/tenants/0/clients/0/type', /^\/tenants\/0\/clients\/0\/type: "webapp" is not allowed: use one of spa, native, machine$/],
    ['a grant type misspelt', (d) => { d.tenants[0].clients[0].grant_types = ['passwrd'] }, '/tenants/0/clients/0/grant_types/0', /"passwrd" is not allowed: use one of password, /],
    ["a clear password weaker than the connection's policy", (d) => { d.tenants[0].users[0].password = 'short' }, '/tenants/0/users/0/password',
      /the password does not satisfy the password policy of connection db: It must be at least 8 characters in length\./],
  ]
  for (const [name, mutate, expectedPath, message] of cases) {
    const doc = fixture()
    mutate(doc)
    const err = await withStore(dataDir, (s) => applyDocument(s, hasher, doc)).catch((e) => e)
    t.equal(err.path, expectedPath, `${name}: path`)
    t.match(err.message, message, `${name}: message`)
  }
})

t.test('a failure found while writing rolls the whole file back', async (t) => {
  const dataDir = t.testdir()
  await withStore(dataDir, (s) => applyDocument(s, hasher, fixture()))
  const before = dump(dataDir)
  const doc = { tenants: [
    { name: 'fresh', hosts: ['fresh.test'], connections: [], clients: [], users: [] },
    { name: 'thief', hosts: ['acme.test'], connections: [], clients: [], users: [] },
  ] }
  const err = await withStore(dataDir, (s) => applyDocument(s, hasher, doc)).catch((e) => e)
  t.equal(err.path, '/tenants/1/hosts')
  t.match(err.message, /host acme\.test is already served by another tenant/)
  t.same(dump(dataDir), before, 'the valid first tenant was not kept either')
})

t.test('passwords: clear ones hashed with argon2id (OWASP parameters by default), hashes kept as given', async (t) => {
  const dataDir = t.testdir()
  const given = await argon2.hash('imported password', { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 })
  const doc = fixture()
  doc.tenants[0].users.push({ connection: 'db', email: 'imported@acme.test', password_hash: given })
  const config = loadConfig({}, { dataDir, logLevel: 'silent' })
  await withStore(dataDir, (s) => applyDocument(s, createArgon2Hasher(config.argon2), doc))
  const users = dump(dataDir).users as Array<{ email: string, password_hash: string }>
  t.equal(users.find((u) => u.email === 'imported@acme.test')!.password_hash, given)
  t.match(users.find((u) => u.email === 'alice@acme.test')!.password_hash, /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/)

  const app = await buildApp({ config })
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' }, payload: passwordBody({ username: 'imported@acme.test', password: 'imported password' }) })
  t.equal(res.statusCode, 200, 'an imported hash logs in')
})

t.test('the published JSON Schema is the one generated from TypeBox', async (t) => {
  const published = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'docs', 'provisioning.schema.json'), 'utf8'))
  t.same(published, JSON.parse(JSON.stringify(ProvisioningFile)), 'run `npm run schema` after changing schemas/provisioning.ts')
})

t.test('the README\'s example file applies, and its imported hash logs in', async (t) => {
  const readme = readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8')
  const example = JSON.parse(/## Provisioning[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)![1])
  const config = loadConfig({}, { dataDir: t.testdir(), logLevel: 'silent', argon2: TEST_ARGON2 })
  const report = await withStore(config.dataDir, (s) => applyDocument(s, hasher, example))
  t.equal(report.created, 8, 'a tenant, three connections, two clients, two users')
  const app = await buildApp({ config })
  t.teardown(() => app.close())
  const res = await app.inject({
    method: 'POST',
    url: '/oauth/ro',
    headers: { host: 'auth.acme.test' },
    payload: passwordBody({ client_id: 'acme-spa', connection: 'Username-Password-Authentication', username: 'grace@acme.test', password: 'grace password' }),
  })
  t.equal(res.statusCode, 200)
})
