import type { Kysely } from 'kysely'

/** Request-rate counters (per IP, per account, per passwordless recipient) shared by instances without Redis. */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('request_counters')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('reset_at_ms', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('request_counters_by_reset').on('request_counters').column('reset_at_ms').execute()
}
