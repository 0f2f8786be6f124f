import type { Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  // Auth0's "Trust Token Endpoint IP Header": the client's backend may name the end user's IP.
  await db.schema.alterTable('clients').addColumn('token_endpoint_ip_header_trusted', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  // Acting for users (RFC 7523 assertions whose sub is a user) is a permission per API.
  await db.schema.alterTable('client_grants').addColumn('act_for_users', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  // One row per login: what an id_token's sid names. Ending it revokes its refresh tokens and makes
  // its id_tokens worthless for the exchange.
  await db.schema.createTable('login_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('password_fingerprint', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .addColumn('ended_at', 'integer')
    .execute()
  await db.schema.createIndex('login_sessions_by_user').on('login_sessions').columns(['tenant_id', 'user_id']).execute()
  await db.schema.createIndex('login_sessions_by_expiry').on('login_sessions').column('expires_at').execute()
  await db.schema.alterTable('refresh_tokens').addColumn('session_id', 'text').execute()
  await db.schema.createIndex('refresh_tokens_by_session').on('refresh_tokens').column('session_id').execute()
}
