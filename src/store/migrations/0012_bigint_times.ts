import { SqliteAdapter, type Kysely } from 'kysely'

/** Every time column, by table: seconds unless its name ends in _ms. */
const INTEGER_TIME_COLUMNS: Record<string, string[]> = {
  tenants: ['created_at'],
  connections: ['created_at'],
  clients: ['created_at'],
  users: ['created_at', 'updated_at'],
  login_sessions: ['created_at', 'expires_at', 'ended_at'],
  mfa_authenticators: ['created_at'],
  mfa_transactions: ['expires_at'],
  mfa_oob_codes: ['expires_at'],
  signing_keys: ['created_at', 'retire_after'],
  refresh_tokens: ['created_at', 'expires_at', 'revoked_at', 'consumed_at'],
  used_jtis: ['expires_at'],
  passwordless_codes: ['created_at', 'expires_at'],
  passwordless_outbox: ['created_at'],
  resource_servers: ['created_at'],
  client_grants: ['created_at'],
}

/** Columns that always held epoch milliseconds: renamed so that their name says so. */
const MILLISECOND_COLUMNS: Array<[table: string, from: string, to: string]> = [
  ['passwordless_outbox', 'created_at', 'created_at_ms'],
  ['login_attempts', 'expires_at', 'expires_at_ms'],
  ['ip_throttle', 'tat', 'tat_ms'],
  ['audit_events', 'created_at', 'created_at_ms'],
]

/**
 * Times become 8-byte integers: the 4-byte `integer` of PostgreSQL overflows in 2038 for seconds
 * and at once for milliseconds. SQLite's INTEGER already stores 8 bytes, so there only the names change.
 */
export async function up (db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    for (const [table, columns] of Object.entries(INTEGER_TIME_COLUMNS)) {
      for (const column of columns) {
        await db.schema.alterTable(table).alterColumn(column, (c) => c.setDataType('bigint')).execute()
      }
    }
  }
  for (const [table, from, to] of MILLISECOND_COLUMNS) {
    await db.schema.alterTable(table).renameColumn(from, to).execute()
  }
}
