import type { Kysely } from 'kysely'

export async function up (db: Kysely<any>): Promise<void> {
  // The tenant's MFA policy and factors (JSON), and a client's own policy (null: the tenant's).
  await db.schema.alterTable('tenants').addColumn('mfa', 'text', (c) => c.notNull().defaultTo('{}')).execute()
  await db.schema.alterTable('clients').addColumn('mfa_policy', 'text').execute()
  // A user's second factors. An otp secret is stored encrypted (key id inside the value), a
  // recovery code as its sha256; last_step is the last TOTP time step accepted (replay refused).
  await db.schema.createTable('mfa_authenticators')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('oob_channel', 'text')
    .addColumn('phone_number', 'text')
    .addColumn('secret', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_step', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('mfa_authenticators_by_user').on('mfa_authenticators').columns(['user_id', 'type']).execute()
  // A login waiting for its second factor: the mfa_token (by sha256) and what the password grant
  // would have minted. oob challenges: the oob_code (by sha256) and the binding code (salted hash).
  await db.schema.createTable('mfa_transactions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('mint', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('mfa_transactions_by_expiry').on('mfa_transactions').column('expires_at').execute()
  await db.schema.createTable('mfa_oob_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('authenticator_id', 'text', (c) => c.notNull().references('mfa_authenticators.id').onDelete('cascade'))
    .addColumn('binding_salt', 'text', (c) => c.notNull())
    .addColumn('binding_hash', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .execute()
}
