import type { Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  // JSON array of the token endpoint authentication methods the client is registered for.
  await db.schema.alterTable('clients').addColumn('auth_methods', 'text', (c) => c.notNull().defaultTo('[]')).execute()
  await db.schema.alterTable('tenants').addColumn('default_connection', 'text').execute()
}
