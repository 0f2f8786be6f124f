import type { Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  // RFC 7523: a client's public keys (an inline JWK set, JSON) or where to fetch them, and whether
  // its assertions may name a user of the tenant as subject.
  await db.schema.alterTable('clients').addColumn('jwks', 'text').execute()
  await db.schema.alterTable('clients').addColumn('jwks_uri', 'text').execute()
  await db.schema.alterTable('clients').addColumn('act_for_users', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  // A key that stopped signing is published until every token it signed has expired (epoch seconds).
  await db.schema.alterTable('signing_keys').addColumn('retire_after', 'integer').execute()
  // Assertion ids already used: sha256 of (iss, jti), kept until the assertion's exp + clock tolerance.
  // The primary key makes "record once" a single atomic insert on every SQL database.
  await db.schema.createTable('used_jtis')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('used_jtis_by_expiry').on('used_jtis').column('expires_at').execute()
}
