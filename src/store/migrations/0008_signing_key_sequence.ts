import { sql, type Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  // Keys are ordered by when they were made; seconds tie when two are made in the same second,
  // so each key gets a sequence number, numbered for existing keys in their former order.
  await db.schema.alterTable('signing_keys').addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  await sql`UPDATE signing_keys SET seq = (SELECT COUNT(*) FROM signing_keys AS s
    WHERE s.created_at < signing_keys.created_at OR (s.created_at = signing_keys.created_at AND s.kid >= signing_keys.kid))`.execute(db)
}
