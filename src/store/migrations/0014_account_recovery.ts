import type { Kysely } from 'kysely'

/**
 * Account recovery: a tenant's email settings, when a user's sessions were last ended by a password
 * change, when a leaked-password notice was last sent, and the reset and verification links (only
 * the hash of each ticket, one per user and kind). Times are bigint epoch seconds.
 */
export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('email', 'text', (c) => c.notNull().defaultTo('{}')).execute()
  await db.schema.alterTable('users').addColumn('sessions_valid_after', 'bigint').execute()
  await db.schema.alterTable('users').addColumn('leaked_notice_at', 'bigint').execute()
  await db.schema.createTable('user_tickets')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('user_tickets_user_kind', ['user_id', 'kind'])
    .execute()
  await db.schema.createIndex('refresh_tokens_by_user').on('refresh_tokens').column('user_id').execute()
}
