import type { Kysely } from 'kysely'

/**
 * Request-rate counters (per IP, per account, per passwordless recipient) for processes that share
 * a store and no Redis. 0009 declared this table without creating it: it is created here, its
 * window end in milliseconds as the name says (and renamed, should a database hold 0009's table).
 */
export async function up (db: Kysely<any>): Promise<void> {
  const existing = (await db.introspection.getTables()).find((t) => t.name === 'request_counters')
  if (existing) {
    if (existing.columns.some((c) => c.name === 'reset_at')) {
      await db.schema.alterTable('request_counters').renameColumn('reset_at', 'reset_at_ms').execute()
    }
    return
  }
  await db.schema.createTable('request_counters')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('reset_at_ms', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('request_counters_by_reset').on('request_counters').column('reset_at_ms').execute()
}
