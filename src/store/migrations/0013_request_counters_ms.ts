import { sql, SqliteAdapter, type Kysely } from 'kysely'

/**
 * Request-rate counters (per IP, per account, per passwordless recipient) for processes that share
 * a store and no Redis (created by 0009 or 0011): its window end, in milliseconds, gets 8 bytes and
 * a name that says so.
 */
/** The table's columns in this database (on PostgreSQL: in the schema in use, not another one's). */
async function columnsOf (db: Kysely<any>, table: string, onSqlite: boolean): Promise<string[]> {
  const { rows } = onSqlite
    ? await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`.execute(db)
    : await sql<{ name: string }>`SELECT column_name AS name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = ${table}`.execute(db)
  return rows.map((r) => r.name)
}

export async function up (db: Kysely<any>): Promise<void> {
  const onSqlite = db.getExecutor().adapter instanceof SqliteAdapter
  const existing = await columnsOf(db, 'request_counters', onSqlite)
  if (existing.length > 0) {
    if (existing.includes('reset_at')) {
      await db.schema.alterTable('request_counters').renameColumn('reset_at', 'reset_at_ms').execute()
    }
    if (!onSqlite) {
      await db.schema.alterTable('request_counters').alterColumn('reset_at_ms', (c) => c.setDataType('bigint')).execute()
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
