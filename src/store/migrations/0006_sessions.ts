import type { Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  await db.schema.createTable('resource_servers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('identifier', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('token_lifetime', 'integer', (c) => c.notNull())
    .addColumn('allow_offline_access', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addUniqueConstraint('resource_servers_tenant_identifier', ['tenant_id', 'identifier'])
    .execute()
  await db.schema.createTable('client_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.client_id').onDelete('cascade'))
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addUniqueConstraint('client_grants_client_audience', ['client_id', 'audience'])
    .execute()
  // Rotation marks a token consumed instead of deleting it, so that its reuse can be recognised.
  await db.schema.alterTable('refresh_tokens').addColumn('consumed_at', 'integer').execute()
  await db.schema.alterTable('refresh_tokens').addColumn('audience', 'text').execute()
  await db.schema.createIndex('refresh_tokens_by_family').on('refresh_tokens').column('family_id').execute()
}
