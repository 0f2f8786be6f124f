// Schema migrations, in order. Written with Kysely's schema builder only, so the same list runs
// on SQLite and PostgreSQL. Never edit a migration that has shipped: add the next one.
import { Kysely, Migrator, sql, type Migration, type MigrationProvider } from 'kysely'

const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up (db: Kysely<any>) {
      await db.schema.createTable('tenants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('public_url', 'text')
        .addColumn('signing_alg', 'text', (c) => c.notNull().defaultTo('RS256'))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .execute()
      await db.schema.createTable('tenant_hosts')
        .addColumn('host', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .execute()
      await db.schema.createTable('connections')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('strategy', 'text', (c) => c.notNull())
        .addColumn('enabled_clients', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addUniqueConstraint('connections_tenant_name', ['tenant_id', 'name'])
        .execute()
      await db.schema.createIndex('connections_by_name').on('connections').column('name').execute()
      await db.schema.createTable('clients')
        .addColumn('client_id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('grant_types', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('web_origins', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('secret_hash', 'text')
        .addColumn('require_email_verified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .execute()
      await db.schema.createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
        .addColumn('email', 'text')
        .addColumn('username', 'text')
        .addColumn('phone_number', 'text')
        .addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('password_hash', 'text')
        .addColumn('blocked', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('profile', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('user_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('app_metadata', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'integer', (c) => c.notNull())
        .addUniqueConstraint('users_connection_email', ['connection_id', 'email'])
        .addUniqueConstraint('users_connection_username', ['connection_id', 'username'])
        .addUniqueConstraint('users_connection_phone', ['connection_id', 'phone_number'])
        .execute()
      await db.schema.createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('private_pem', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('signing_keys_by_tenant').on('signing_keys').columns(['tenant_id', 'status']).execute()
      await db.schema.createTable('refresh_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('family_id', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('created_at', 'integer', (c) => c.notNull())
        .addColumn('expires_at', 'integer', (c) => c.notNull())
        .addColumn('revoked_at', 'integer')
        .execute()
    },
  },
  '0004_attack_protection': {
    async up (db: Kysely<any>) {
      await db.schema.alterTable('tenants')
        .addColumn('attack_protection', 'text', (c) => c.notNull().defaultTo('{}'))
        .execute()
      await db.schema.createTable('login_attempts')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('login_attempts_pk', ['tenant_id', 'subject', 'ip'])
        .execute()
      await db.schema.createTable('ip_throttle')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('tat', 'bigint', (c) => c.notNull())
        .addColumn('last_allowed', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('ip_throttle_pk', ['tenant_id', 'ip'])
        .execute()
      await db.schema.createTable('audit_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
        .addColumn('client_id', 'text')
        .addColumn('connection', 'text')
        .addColumn('user_id', 'text')
        .addColumn('login', 'text')
        .addColumn('ip', 'text')
        .addColumn('detail', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('audit_events_by_time').on('audit_events').columns(['created_at', 'id']).execute()
      await db.schema.createIndex('audit_events_by_tenant').on('audit_events').columns(['tenant_id', 'created_at']).execute()
    },
  },
}

migrations['0002_token_endpoint'] = {
  async up (db: Kysely<any>) {
    // JSON array of the token endpoint authentication methods the client is registered for.
    await db.schema.alterTable('clients').addColumn('auth_methods', 'text', (c) => c.notNull().defaultTo('[]')).execute()
    await db.schema.alterTable('tenants').addColumn('default_connection', 'text').execute()
  },
}

migrations['0003_jwt_bearer'] = {
  async up (db: Kysely<any>) {
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
  },
}

migrations['0005_passwordless'] = {
  async up (db: Kysely<any>) {
    await db.schema.alterTable('clients').addColumn('callbacks', 'text', (c) => c.notNull().defaultTo('[]')).execute()
    // One row per (connection, login): saving a new code replaces the old one, so only the latest is valid.
    await db.schema.createTable('passwordless_codes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
      .addColumn('login', 'text', (c) => c.notNull())
      .addColumn('code_salt', 'text', (c) => c.notNull())
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .addUniqueConstraint('passwordless_codes_login', ['connection_id', 'login'])
      .execute()
    await db.schema.createIndex('passwordless_codes_by_expiry').on('passwordless_codes').column('expires_at').execute()
    await db.schema.createTable('passwordless_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('connection', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('subject', 'text')
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .execute()
    await db.schema.createIndex('passwordless_outbox_by_time').on('passwordless_outbox').column('created_at').execute()
  },
}

migrations['0006_sessions'] = {
  async up (db: Kysely<any>) {
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
  },
}

migrations['0007_login_sessions'] = {
  async up (db: Kysely<any>) {
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
  },
}

migrations['0008_signing_key_sequence'] = {
  async up (db: Kysely<any>) {
    // Keys are ordered by when they were made; seconds tie when two are made in the same second,
    // so each key gets a sequence number, numbered for existing keys in their former order.
    await db.schema.alterTable('signing_keys').addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0)).execute()
    await sql`UPDATE signing_keys SET seq = (SELECT COUNT(*) FROM signing_keys AS s
      WHERE s.created_at < signing_keys.created_at OR (s.created_at = signing_keys.created_at AND s.kid >= signing_keys.kid))`.execute(db)
  },
}

migrations['0009_config_version'] = {
  async up (db: Kysely<any>) {
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
  },
}

migrations['0010_mfa'] = {
  async up (db: Kysely<any>) {
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
  },
}

migrations['0011_request_counters'] = {
  async up (db: Kysely<any>) {
    // Request counters shared by the processes of one server (rate limits without Redis): 0009 as
    // shipped declared this table without creating it.
    await db.schema.createTable('request_counters').ifNotExists()
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('reset_at', 'integer', (c) => c.notNull())
      .execute()
  },
}

migrations['0012_account_recovery'] = {
  async up (db: Kysely<any>) {
    await db.schema.alterTable('tenants').addColumn('email', 'text', (c) => c.notNull().defaultTo('{}')).execute()
    // A password change ends the user's sessions: id_tokens issued until then are no longer exchanged.
    await db.schema.alterTable('users').addColumn('sessions_valid_after', 'integer').execute()
    await db.schema.alterTable('users').addColumn('leaked_notice_at', 'integer').execute()
    // Reset and verification links: only the hash of each ticket, one per (user, kind).
    await db.schema.createTable('user_tickets')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .addUniqueConstraint('user_tickets_user_kind', ['user_id', 'kind'])
      .execute()
    await db.schema.createIndex('refresh_tokens_by_user').on('refresh_tokens').column('user_id').execute()
  },
}

const provider: MigrationProvider = { getMigrations: async () => migrations }

/** Brings the database up to the latest schema; throws with the failing migration's error. */
export async function migrateToLatest (db: Kysely<any>): Promise<void> {
  const { error } = await new Migrator({ db, provider, allowUnorderedMigrations: true }).migrateToLatest()
  if (error) throw error
}
