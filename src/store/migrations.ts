// Schema migrations, one module per migration in src/store/migrations/, applied in the order of
// their names. Written with Kysely's schema builder, so the same list runs on SQLite and PostgreSQL.
// Never edit a migration that has shipped: add the next one. Times are `bigint` epoch seconds, or
// epoch milliseconds in columns whose name ends in `_ms`.
import { Migrator, PostgresAdapter, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely'
import * as m0001 from './migrations/0001_initial.js'
import * as m0002 from './migrations/0002_token_endpoint.js'
import * as m0003 from './migrations/0003_jwt_bearer.js'
import * as m0004 from './migrations/0004_attack_protection.js'
import * as m0005 from './migrations/0005_passwordless.js'
import * as m0006 from './migrations/0006_sessions.js'
import * as m0007 from './migrations/0007_login_sessions.js'
import * as m0008 from './migrations/0008_signing_key_sequence.js'
import * as m0009 from './migrations/0009_config_version.js'
import * as m0010 from './migrations/0010_mfa.js'
import * as m0011 from './migrations/0011_request_counters.js'
import * as m0012 from './migrations/0012_bigint_times.js'
import * as m0013 from './migrations/0013_request_counters_ms.js'
import * as m0014 from './migrations/0014_account_recovery.js'

/** Every migration by name; a name, once shipped, is how a database remembers it ran. */
export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_token_endpoint': m0002,
  '0003_jwt_bearer': m0003,
  '0004_attack_protection': m0004,
  '0005_passwordless': m0005,
  '0006_sessions': m0006,
  '0007_login_sessions': m0007,
  '0008_signing_key_sequence': m0008,
  '0009_config_version': m0009,
  '0010_mfa': m0010,
  '0011_request_counters': m0011,
  '0012_bigint_times': m0012,
  '0013_request_counters_ms': m0013,
  '0014_account_recovery': m0014,
}

/**
 * Brings the database up to the latest schema (or to `target`, a migration name); throws with the
 * failing migration's error. On PostgreSQL, Kysely runs the migrations under a session advisory
 * lock (pg_advisory_lock), so instances starting together migrate once, one after the other.
 */
export async function migrateToLatest (db: Kysely<any>, target?: string): Promise<void> {
  const migrator = new Migrator({
    db, provider: { getMigrations: async () => migrations } satisfies MigrationProvider, allowUnorderedMigrations: true,
    migrationTableSchema: await currentSchema(db),
  })
  const { error } = target === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(target)
  if (error) throw error
}

/**
 * On PostgreSQL, the schema Tollgate's tables are created in (the first of the search_path). Named
 * to the migrator, which otherwise takes its bookkeeping tables found in *any* schema of the
 * database (another application's, or another Tollgate's) for its own, then fails to find them.
 */
async function currentSchema (db: Kysely<any>): Promise<string | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)
  return rows[0]?.schema ?? undefined
}
