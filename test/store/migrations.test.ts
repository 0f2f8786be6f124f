// Migrations: a store written by the previous schema (0001-0010, as data directories of earlier
// releases hold it) upgrades in place, on SQLite and PostgreSQL; instances starting together on
// one PostgreSQL migrate it once.
import Database from 'better-sqlite3'
import { Kysely, PostgresDialect, sql, SqliteDialect } from 'kysely'
import path from 'node:path'
import t, { type Test } from 'tap'
import { migrateToLatest, migrations } from '../../src/store/migrations.js'
import { createPool, openPostgresStore } from '../../src/store/postgres.js'
import { openSqliteStore, SQLITE_FILE } from '../../src/store/sqlite.js'
import type { Store } from '../../src/store/port.js'
import { freshDatabase, query } from '../helpers/postgres.js'

const PREVIOUS = '0010_mfa'
const msNow = Date.now()
const Y2100 = 4102444800

/** What an earlier release wrote, in its own column names. */
async function writePreviousRelease (db: Kysely<any>): Promise<void> {
  await migrateToLatest(db, PREVIOUS)
  await sql`INSERT INTO tenants (id, name, is_default, signing_alg, created_at) VALUES ('t1', 'acme', 1, 'RS256', 1700000000)`.execute(db)
  await sql`INSERT INTO connections (id, tenant_id, name, strategy, created_at) VALUES ('c1', 't1', 'db', 'database', 1700000000)`.execute(db)
  await sql`INSERT INTO users (id, tenant_id, connection_id, email, created_at, updated_at) VALUES ('u1', 't1', 'c1', 'alice@acme.test', 1700000000, 1700000001)`.execute(db)
  await sql`INSERT INTO login_attempts (tenant_id, subject, ip, count, fingerprint, expires_at) VALUES ('t1', 'user:u1', '*', 4, 'fp', ${msNow + 60_000})`.execute(db)
  await sql`INSERT INTO audit_events (id, type, tenant_id, detail, created_at) VALUES ('e1', 'block', 't1', 'wrong_password', ${msNow})`.execute(db)
}

async function readsWhatWasWritten (t: Test, store: Store): Promise<void> {
  t.match(await store.userByLogin('c1', 'alice@acme.test'), { id: 'u1', createdAt: 1700000000, updatedAt: 1700000001 })
  t.equal(await store.countAttempt({ tenantId: 't1', subject: 'user:u1', ip: '*' }, 'fp', msNow, msNow + 60_000), 5, 'the counter went on')
  t.match(await store.events({ limit: 5 }), [{ type: 'block', createdAt: msNow }])
  await store.insertOutboxMessage({ id: 'm1', tenantId: 't1', connection: 'sms', channel: 'sms', recipient: '+1555', subject: null, text: 'x', createdAt: msNow })
  t.match(await store.latestOutboxMessages(1), [{ id: 'm1', createdAt: msNow }], 'millisecond times fit')
  await store.insertUser({
    id: 'u2', tenantId: 't1', connectionId: 'c1', email: 'far@acme.test', username: null, phoneNumber: null, emailVerified: false,
    passwordHash: null, blocked: false, profile: {}, userMetadata: {}, appMetadata: {}, createdAt: Y2100, updatedAt: Y2100,
  })
  t.equal((await store.userById('t1', 'u2'))?.createdAt, Y2100, 'seconds after 2038 fit')
}


t.test('an SQLite data directory of the previous release upgrades in place', async (t) => {
  const dataDir = t.testdir()
  const sqlite = new Database(path.join(dataDir, SQLITE_FILE))
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) })
  await writePreviousRelease(db)
  await db.destroy()

  const store = await openSqliteStore(dataDir)
  t.teardown(() => store.close())
  await readsWhatWasWritten(t, store)
  const file = new Database(path.join(dataDir, SQLITE_FILE), { readonly: true })
  t.teardown(() => file.close())
  const ran = (file.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as Array<{ name: string }>).map((r) => r.name)
  t.same(ran, Object.keys(migrations), 'every migration ran once, in order')
})

t.test('a PostgreSQL database of the previous schema upgrades: every time column becomes bigint', async (t) => {
  const url = await freshDatabase(t)
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: createPool({ url, poolSize: 2 }) }) })
  await writePreviousRelease(db)
  await db.destroy()

  const store = await openPostgresStore({ url, poolSize: 2 })
  t.teardown(() => store.close())
  await readsWhatWasWritten(t, store)
  const columns = await query(url, `SELECT table_name, column_name, data_type FROM information_schema.columns
    WHERE table_schema = current_schema() AND (column_name LIKE '%\\_at' OR column_name LIKE '%\\_at\\_ms' OR column_name IN ('retire_after', 'tat_ms'))
    AND table_name NOT LIKE 'kysely%'`)
  t.ok(columns.length >= 20, `${columns.length} time columns`)
  t.same(columns.filter((c) => c.data_type !== 'bigint'), [], 'none of them 4 bytes')
})

t.test('instances starting together on one PostgreSQL migrate it once', async (t) => {
  const url = await freshDatabase(t)
  const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore({ url, poolSize: 2 })))
  t.teardown(() => Promise.all(stores.map((s) => s.close())))
  const ran = await query(url, 'SELECT name FROM kysely_migration ORDER BY name')
  t.same(ran.map((r) => r.name), Object.keys(migrations))
  await stores[0].upsertTenant({ id: 't1', name: 'acme', isDefault: true, publicUrl: null, signingAlg: 'RS256', defaultConnection: null }, [])
  t.equal((await stores[2].defaultTenant())?.name, 'acme', 'one database behind all three')
})
