// The storage contract on the shared store: a real PostgreSQL (TOLLGATE_TEST_DATABASE_URL), a
// database of its own per test.
import t from 'tap'
import { openPostgresStore } from '../../src/store/postgres.js'
import { migrations } from '../../src/store/migrations.js'
import { freshDatabase, query } from '../helpers/postgres.js'
import { storeContract } from './store-contract.js'

storeContract(t, async (t) => {
  const store = await openPostgresStore({ url: await freshDatabase(t), poolSize: 10 })
  t.teardown(() => store.close())
  return store
})

t.test("a schema migrates on its own, whatever another schema of the database holds (another instance's tables, another Kysely application's)", async (t) => {
  const [first, second] = [await freshDatabase(t), await freshDatabase(t)]
  const neighbour = await openPostgresStore({ url: first, poolSize: 1 })
  t.teardown(() => neighbour.close())
  const store = await openPostgresStore({ url: second, poolSize: 1 })
  t.teardown(() => store.close())
  t.equal(await store.configVersion(), 0, 'its own tables, migrated')
  t.same(await query(second, 'select count(*)::int as n from kysely_migration'), [{ n: Object.keys(migrations).length }], 'every migration recorded in its own schema')
})

t.test('the rotation\'s statements, prepared on a connection, go on answering after another instance\'s migration adds a column', async (t) => {
  const url = await freshDatabase(t)
  const store = await openPostgresStore({ url, poolSize: 1 })
  t.teardown(() => store.close())
  await store.upsertTenant({ id: 'tenant-acme', name: 'acme', isDefault: true, publicUrl: null, signingAlg: 'RS256', defaultConnection: null }, [])
  await store.upsertConnection({ id: 'tenant-acme-db', tenantId: 'tenant-acme', name: 'db', strategy: 'database', enabledClients: [], options: {} })
  const now = Math.floor(Date.now() / 1000)
  await store.insertUser({
    id: 'auth0|1', tenantId: 'tenant-acme', connectionId: 'tenant-acme-db', email: null, username: 'u', phoneNumber: null, emailVerified: false,
    passwordHash: null, blocked: false, profile: {}, userMetadata: {}, appMetadata: {}, createdAt: now, updatedAt: now,
  })
  const token = (id: string, familyId = 'family') => ({
    id, tokenHash: `hash-${id}`, familyId, tenantId: 'tenant-acme', clientId: 'spa', userId: 'auth0|1', device: '', scope: 'openid', createdAt: now, expiresAt: now + 60,
  })
  await store.insertRefreshToken(token('1'))
  // Each statement run once: prepared on the pool's one connection.
  t.match(await store.refreshTokenWithUser('hash-1'), { token: { id: '1' }, user: { id: 'auth0|1' } })
  t.match(await store.refreshTokenByHash('hash-1'), { id: '1' })
  t.match(await store.userById('tenant-acme', 'auth0|1'), { id: 'auth0|1' })
  t.equal(await store.rotateRefreshToken('1', token('2'), now), true)
  await query(url, 'alter table refresh_tokens add column added_later text')
  await query(url, 'alter table users add column added_later text')
  t.match(await store.refreshTokenWithUser('hash-2'), { token: { id: '2' }, user: { id: 'auth0|1' } })
  t.match(await store.refreshTokenByHash('hash-2'), { id: '2' })
  t.match(await store.userById('tenant-acme', 'auth0|1'), { id: 'auth0|1' })
  t.equal(await store.rotateRefreshToken('2', token('3'), now), true)
})
