import type { Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  // Request counters shared by the processes of one server (rate limits without Redis): 0009 as
  // shipped declared this table without creating it.
  await db.schema.createTable('request_counters').ifNotExists()
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('reset_at', 'integer', (c) => c.notNull())
    .execute()
}
