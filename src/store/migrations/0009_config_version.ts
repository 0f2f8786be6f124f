import type { Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  // One row: bumped by every configuration write, read by each process holding configuration in memory.
  await db.schema.createTable('config_version')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute()
  await db.insertInto('config_version').values({ id: 1, version: 0 }).execute()
  // Request counters shared by the processes of one server (rate limits without Redis).
  await db.schema.createTable('request_counters')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('reset_at', 'integer', (c) => c.notNull())
    .execute()
}
