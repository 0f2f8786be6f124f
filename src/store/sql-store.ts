// The storage port implemented once, with Kysely, for every SQL dialect Tollgate supports.
// Queries here are written to run unchanged on SQLite and PostgreSQL; an adapter supplies the Kysely
// instance (see sqlite.ts) and names its dialect for the one statement that differs (the rotation).
import { sql, type Compilable, type Kysely, type Selectable } from 'kysely'
import { randomBytes } from 'node:crypto'
import { allowance } from './ip-allowance.js'
import { PreparedQuery } from './prepared-query.js'
import type {
  MfaAuthenticatorTable, AuditEventTable, ClientGrantTable, ClientTable, ConnectionTable, Database, LoginSessionTable, OutboxTable, PasswordlessCodeTable, RefreshTokenTable,
  ResourceServerTable, SigningKeyTable, TenantTable, UserTable, UserTicketTable,
} from './schema.js'
import type {
  MfaAuthenticator, MfaOobCode, MfaTransaction, AttemptKey, AuditEvent, AuditEventType, AuditQuery, Client, ClientGrant, Connection, IpAllowance, IpBudget, LoginSession, OutboxMessage,
  PasswordlessCodeRecord, ProvisioningStore, RefreshTokenRecord, ResourceServer, SigningKey, Store, StoredRefreshToken, Tenant, TicketKind, User, UserTicketRecord,
} from './port.js'

const json = (text: string) => JSON.parse(text)

const toTenant = (r: Selectable<TenantTable>): Tenant => ({
  id: r.id, name: r.name, isDefault: r.is_default === 1, publicUrl: r.public_url, signingAlg: r.signing_alg,
  defaultConnection: r.default_connection,
  attackProtection: json(r.attack_protection),
  ...(r.email && r.email !== '{}' ? { email: json(r.email) } : {}),
  ...(r.mfa && r.mfa !== '{}' ? { mfa: json(r.mfa) } : {}),
})

const toConnection = (r: Selectable<ConnectionTable>): Connection => ({
  id: r.id, tenantId: r.tenant_id, name: r.name, strategy: r.strategy,
  enabledClients: json(r.enabled_clients), options: json(r.options),
})

const toClient = (r: Selectable<ClientTable>): Client => ({
  clientId: r.client_id, tenantId: r.tenant_id, name: r.name, type: r.type as Client['type'],
  grantTypes: json(r.grant_types), webOrigins: json(r.web_origins), secretHash: r.secret_hash,
  authMethods: json(r.auth_methods),
  requireEmailVerified: r.require_email_verified === 1,
  callbacks: json(r.callbacks),
  jwks: r.jwks === null ? null : json(r.jwks), jwksUri: r.jwks_uri,
  trustForwardedIp: r.token_endpoint_ip_header_trusted === 1,
  mfaPolicy: (r.mfa_policy ?? null) as Client['mfaPolicy'],
})

const toAuthenticator = (r: Selectable<MfaAuthenticatorTable>): MfaAuthenticator => ({
  id: r.id, tenantId: r.tenant_id, userId: r.user_id, type: r.type as MfaAuthenticator['type'],
  oobChannel: r.oob_channel as MfaAuthenticator['oobChannel'], phoneNumber: r.phone_number, secret: r.secret,
  active: r.active === 1, lastStep: Number(r.last_step), createdAt: Number(r.created_at),
})

const toUser = (r: Selectable<UserTable>): User => ({
  id: r.id, tenantId: r.tenant_id, connectionId: r.connection_id, email: r.email, username: r.username,
  phoneNumber: r.phone_number, emailVerified: r.email_verified === 1, passwordHash: r.password_hash,
  blocked: r.blocked === 1, profile: json(r.profile), userMetadata: json(r.user_metadata),
  appMetadata: json(r.app_metadata), createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
  sessionsValidAfter: r.sessions_valid_after == null ? null : Number(r.sessions_valid_after),
})

const fromUser = (u: User): UserTable => ({
  id: u.id, tenant_id: u.tenantId, connection_id: u.connectionId, email: u.email?.toLowerCase() ?? null,
  username: u.username, phone_number: u.phoneNumber, email_verified: u.emailVerified ? 1 : 0,
  password_hash: u.passwordHash, blocked: u.blocked ? 1 : 0, profile: JSON.stringify(u.profile),
  user_metadata: JSON.stringify(u.userMetadata), app_metadata: JSON.stringify(u.appMetadata),
  created_at: u.createdAt, updated_at: u.updatedAt, sessions_valid_after: u.sessionsValidAfter ?? null,
})

const toSigningKey = (r: Selectable<SigningKeyTable>): SigningKey => ({
  kid: r.kid, tenantId: r.tenant_id, alg: r.alg, privatePem: r.private_pem, publicJwk: json(r.public_jwk),
  status: r.status as SigningKey['status'], createdAt: Number(r.created_at),
  retireAfter: r.retire_after === null ? null : Number(r.retire_after),
})

const toRefreshToken = (r: Selectable<RefreshTokenTable>): StoredRefreshToken => ({
  id: r.id, tokenHash: r.token_hash, familyId: r.family_id, tenantId: r.tenant_id, clientId: r.client_id,
  userId: r.user_id, device: r.device, scope: r.scope, createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at), revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  consumedAt: r.consumed_at === null ? null : Number(r.consumed_at), audience: r.audience,
  sessionId: r.session_id,
})

const toLoginSession = (r: Selectable<LoginSessionTable>): LoginSession => ({
  id: r.id, tenantId: r.tenant_id, userId: r.user_id, clientId: r.client_id, passwordFingerprint: r.password_fingerprint,
  createdAt: Number(r.created_at), expiresAt: Number(r.expires_at), endedAt: r.ended_at === null ? null : Number(r.ended_at),
})
const fromLoginSession = (s: LoginSession): LoginSessionTable => ({
  id: s.id, tenant_id: s.tenantId, user_id: s.userId, client_id: s.clientId, password_fingerprint: s.passwordFingerprint,
  created_at: s.createdAt, expires_at: s.expiresAt, ended_at: s.endedAt,
})

const toPasswordlessCode = (r: Selectable<PasswordlessCodeTable>): PasswordlessCodeRecord => ({
  id: r.id, tenantId: r.tenant_id, connectionId: r.connection_id, login: r.login, codeSalt: r.code_salt,
  codeHash: r.code_hash, attempts: Number(r.attempts), createdAt: Number(r.created_at), expiresAt: Number(r.expires_at),
})

const toOutboxMessage = (r: Selectable<OutboxTable>): OutboxMessage => ({
  id: r.id, tenantId: r.tenant_id, connection: r.connection, channel: r.channel as OutboxMessage['channel'],
  recipient: r.recipient, subject: r.subject, text: r.text, createdAt: Number(r.created_at_ms),
})

const fromRefreshToken = (t: RefreshTokenRecord): RefreshTokenTable => ({
  id: t.id, token_hash: t.tokenHash, family_id: t.familyId, tenant_id: t.tenantId, client_id: t.clientId,
  user_id: t.userId, device: t.device, scope: t.scope, created_at: t.createdAt, expires_at: t.expiresAt,
  revoked_at: null, consumed_at: null, audience: t.audience ?? null, session_id: t.sessionId ?? null,
})

// The queries of a refresh-token rotation, compiled once (prepared-query.ts; on PostgreSQL also
// named statements, see postgres.ts): the refresh grant runs a read and a rotation on every use.
// Their selects name their columns rather than `*`: a prepared statement's result type must not
// change under it when another instance's migration adds a column.
const REFRESH_TOKEN_COLUMNS = Object.keys(fromRefreshToken({} as RefreshTokenRecord)) as Array<keyof RefreshTokenTable>
// Every column of users: one a migration adds and this list lacks is a type error here.
const USER_COLUMNS = Object.keys({
  id: 1, tenant_id: 1, connection_id: 1, email: 1, username: 1, phone_number: 1, email_verified: 1, password_hash: 1, blocked: 1,
  profile: 1, user_metadata: 1, app_metadata: 1, created_at: 1, updated_at: 1, sessions_valid_after: 1, leaked_notice_at: 1,
} satisfies Record<keyof UserTable, 1>) as Array<keyof UserTable>
const refreshTokenByHash = new PreparedQuery<Database, 'hash', Selectable<RefreshTokenTable>>(['hash'],
  (db, v) => db.selectFrom('refresh_tokens').select(REFRESH_TOKEN_COLUMNS).where('token_hash', '=', v.hash))
// The token and its user in one read, the user's columns prefixed (both tables have id, tenant_id...).
type RefreshTokenWithUserRow = Selectable<RefreshTokenTable> & { [C in (typeof USER_COLUMNS)[number] as `users_${C}`]: Selectable<UserTable>[C] | null }
const refreshTokenWithUserByHash = new PreparedQuery<Database, 'hash', RefreshTokenWithUserRow>(['hash'],
  (db, v) => db.selectFrom('refresh_tokens')
    .leftJoin('users', (join) => join.onRef('users.tenant_id', '=', 'refresh_tokens.tenant_id').onRef('users.id', '=', 'refresh_tokens.user_id'))
    .select(REFRESH_TOKEN_COLUMNS.map((c) => `refresh_tokens.${c}` as const))
    .select(USER_COLUMNS.map((c) => sql.ref(`users.${c}`).as(`users_${c}`)))
    .where('refresh_tokens.token_hash', '=', v.hash) as unknown as Compilable<RefreshTokenWithUserRow>)
const userOfRow = (row: RefreshTokenWithUserRow): User | undefined => row.users_id === null
  ? undefined
  : toUser(Object.fromEntries(USER_COLUMNS.map((c) => [c, row[`users_${c}`]])) as Selectable<UserTable>)
const userById = new PreparedQuery<Database, 'tenantId' | 'userId', Selectable<UserTable>>(['tenantId', 'userId'],
  (db, v) => db.selectFrom('users').select(USER_COLUMNS).where('tenant_id', '=', v.tenantId).where('id', '=', v.userId))
// The condition is the lock: of two parallel rotations, the second updates no row (on PostgreSQL it
// waits for the first's row lock, then re-checks the condition and finds it false).
const consumeRefreshToken = new PreparedQuery<Database, 'id' | 'now'>(['id', 'now'],
  (db, v) => db.updateTable('refresh_tokens').set({ consumed_at: v.now })
    .where('id', '=', v.id).where('consumed_at', 'is', null).where('revoked_at', 'is', null))
const insertRefreshToken = new PreparedQuery<Database, keyof RefreshTokenTable>(REFRESH_TOKEN_COLUMNS,
  (db, v) => db.insertInto('refresh_tokens').values(v))
// On PostgreSQL the rotation is one statement: the consume in a data-modifying WITH, the successor
// inserted once per row it consumed (one, or none). One round trip instead of four (BEGIN, UPDATE,
// INSERT, COMMIT), with the same guarantees: the statement is its own transaction, committed (and
// durable) before it answers; a parallel rotation waits for the row lock, re-checks the condition,
// consumes nothing and so inserts nothing. SQLite has no data-modifying WITH, and its transaction
// costs no round trips: it keeps the two statements.
const SUCCESSOR_COLUMNS = REFRESH_TOKEN_COLUMNS.filter((c) => c !== 'revoked_at' && c !== 'consumed_at')
const rotateRefreshTokenInOneStatement = new PreparedQuery<Database, 'consumedId' | 'now' | (typeof SUCCESSOR_COLUMNS)[number]>(['consumedId', 'now', ...SUCCESSOR_COLUMNS],
  (db, v) => db.with('consumed', (db) => db.updateTable('refresh_tokens').set({ consumed_at: v.now })
    .where('id', '=', v.consumedId).where('consumed_at', 'is', null).where('revoked_at', 'is', null).returning('id'))
    .insertInto('refresh_tokens').columns(SUCCESSOR_COLUMNS)
    // Selected values, unlike inserted ones, are typed text by PostgreSQL unless cast.
    .expression((eb) => eb.selectFrom('consumed').select(SUCCESSOR_COLUMNS.map((c) =>
      (c === 'created_at' || c === 'expires_at' ? eb.cast<number>(eb.val(v[c]), 'bigint') : eb.val(v[c])).as(c)))))
// Spending a jti (every assertion): one statement, so the check and the record are atomic. A record
// whose time is over is taken over; a live one is left alone and no row changes.
const recordOnce = new PreparedQuery<Database, 'id' | 'expiresAt' | 'now'>(['id', 'expiresAt', 'now'],
  (db, v) => db.insertInto('used_jtis').values({ id: v.id, expires_at: v.expiresAt })
    .onConflict((oc) => oc.column('id').doUpdateSet({ expires_at: v.expiresAt }).where('used_jtis.expires_at', '<=', v.now)))

// The queries of a login attempt, compiled once like the rotation's: every attempt looks its user up
// and counts itself before its secret is verified, and a refusal (a blocked account, a throttled IP)
// is answered after these alone.
const userByLogin = new PreparedQuery<Database, 'connectionId' | 'email' | 'login', Selectable<UserTable>>(['connectionId', 'email', 'login'],
  (db, v) => db.selectFrom('users').select(USER_COLUMNS).where('connection_id', '=', v.connectionId)
    .where((eb) => eb.or([eb('email', '=', v.email), eb('username', '=', v.login), eb('phone_number', '=', v.login)])))
const countAttempt = new PreparedQuery<Database, 'tenantId' | 'subject' | 'ip' | 'fingerprint' | 'expiresAt' | 'now', { count: number }>(
  ['tenantId', 'subject', 'ip', 'fingerprint', 'expiresAt', 'now'],
  (db, v) => db.insertInto('login_attempts')
    .values({ tenant_id: v.tenantId, subject: v.subject, ip: v.ip, count: 1, fingerprint: v.fingerprint, expires_at_ms: v.expiresAt })
    .onConflict((oc) => oc.columns(['tenant_id', 'subject', 'ip']).doUpdateSet({
      count: sql<number>`CASE WHEN login_attempts.expires_at_ms > ${v.now} AND login_attempts.fingerprint = excluded.fingerprint
        THEN login_attempts.count + 1 ELSE 1 END`,
      fingerprint: (eb) => eb.ref('excluded.fingerprint'),
      expires_at_ms: (eb) => eb.ref('excluded.expires_at_ms'),
    }))
    .returning('count'))
const uncountAttempt = new PreparedQuery<Database, 'tenantId' | 'subject' | 'ip'>(['tenantId', 'subject', 'ip'],
  (db, v) => db.updateTable('login_attempts').set((eb) => ({ count: eb('count', '-', 1) }))
    .where('tenant_id', '=', v.tenantId).where('subject', '=', v.subject).where('ip', '=', v.ip).where('count', '>', 0))
const clearAttempts = new PreparedQuery<Database, 'tenantId' | 'subject' | 'ip'>(['tenantId', 'subject', 'ip'],
  (db, v) => db.deleteFrom('login_attempts').where('tenant_id', '=', v.tenantId).where('subject', '=', v.subject).where('ip', '=', v.ip))
// GCRA: `tat` moves one interval (window / limit) later per failure; a take is allowed while it
// stays within one window of now. Whether it was allowed is written and read back in the same statement.
const takeIpAllowance = new PreparedQuery<Database, 'tenantId' | 'ip' | 'now' | 'interval' | 'windowMs' | 'firstTat', { tat_ms: number, last_allowed: number }>(
  ['tenantId', 'ip', 'now', 'interval', 'windowMs', 'firstTat'],
  (db, v) => {
    const base = sql<number>`(CASE WHEN ip_throttle.tat_ms > ${v.now} THEN ip_throttle.tat_ms ELSE ${v.now} END)`
    const fits = sql<boolean>`${base} + ${v.interval} - ${v.now} <= ${v.windowMs}`
    return db.insertInto('ip_throttle')
      .values({ tenant_id: v.tenantId, ip: v.ip, tat_ms: v.firstTat, last_allowed: 1 })
      .onConflict((oc) => oc.columns(['tenant_id', 'ip']).doUpdateSet({
        tat_ms: sql<number>`CASE WHEN ${fits} THEN ${base} + ${v.interval} ELSE ip_throttle.tat_ms END`,
        last_allowed: sql<number>`CASE WHEN ${fits} THEN 1 ELSE 0 END`,
      }))
      .returning(['tat_ms', 'last_allowed'])
  })
const returnIpAllowance = new PreparedQuery<Database, 'tenantId' | 'ip' | 'interval' | 'now'>(['tenantId', 'ip', 'interval', 'now'],
  (db, v) => db.updateTable('ip_throttle').set((eb) => ({ tat_ms: eb('tat_ms', '-', v.interval) }))
    .where('tenant_id', '=', v.tenantId).where('ip', '=', v.ip).where('tat_ms', '>', v.now))
// A successful login records its session (one insert, compiled once like the attempt's queries).
const LOGIN_SESSION_COLUMNS = Object.keys(fromLoginSession({} as LoginSession)) as Array<keyof LoginSessionTable>
const insertLoginSession = new PreparedQuery<Database, keyof LoginSessionTable>(LOGIN_SESSION_COLUMNS,
  (db, v) => db.insertInto('login_sessions').values(v))

const toResourceServer = (r: Selectable<ResourceServerTable>): ResourceServer => ({
  id: r.id, tenantId: r.tenant_id, identifier: r.identifier, name: r.name, scopes: json(r.scopes),
  tokenLifetime: Number(r.token_lifetime), allowOfflineAccess: r.allow_offline_access === 1,
})

const toClientGrant = (r: Selectable<ClientGrantTable>): ClientGrant => ({
  tenantId: r.tenant_id, clientId: r.client_id, audience: r.audience, scopes: json(r.scopes),
  actForUsers: r.act_for_users === 1,
})

export class SqlStore implements Store {
  constructor (
    private readonly db: Kysely<Database>,
    options: {
      shared: boolean
      /** Where a statement differs by database (refresh-token rotation). */
      dialect: 'sqlite' | 'postgres'
      onClose?: () => Promise<void>
      /** Configuration changes made through this store (and its transactions), counted after they commit. */
      changes?: { configuration: number }
    },
  ) {
    this.shared = options.shared
    this.dialect = options.dialect
    this.onClose = options.onClose ?? (async () => { await db.destroy() })
    this.changes = options.changes ?? { configuration: 0 }
  }

  readonly shared: boolean
  private readonly dialect: 'sqlite' | 'postgres'
  private readonly onClose: () => Promise<void>
  private readonly changes: { configuration: number }

  async transaction<T> (work: (store: ProvisioningStore) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction().execute((trx) => work(new SqlStore(trx, { shared: this.shared, dialect: this.dialect, onClose: async () => {}, changes: this.changes })))
    } finally {
      this.changes.configuration++
    }
  }

  // Configuration version: every write to tenants, hosts, connections, clients, APIs, client grants
  // or signing keys bumps it in the same transaction, so a process reading configuration from memory
  // (config-snapshot.ts) learns of the change by reading one number, whichever process made it.

  async configVersion (): Promise<number> {
    const row = await this.db.selectFrom('config_version').select('version').where('id', '=', 1).executeTakeFirst()
    return Number(row?.version ?? 0)
  }

  localConfigChanges (): number { return this.changes.configuration }

  /** Runs a configuration write and bumps the version in the same transaction (its own, unless in one). */
  private async configWrite<T> (work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    const writeAndBump = async (db: Kysely<Database>) => {
      const result = await work(db)
      await db.updateTable('config_version').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', 1).execute()
      return result
    }
    if (this.db.isTransaction) return writeAndBump(this.db)
    try {
      return await this.db.transaction().execute(writeAndBump)
    } finally {
      this.changes.configuration++
    }
  }

  // What a configuration snapshot loads: everything of one tenant at once.

  async allTenantHosts (): Promise<Array<{ host: string, tenantId: string }>> {
    const rows = await this.db.selectFrom('tenant_hosts').selectAll().execute()
    return rows.map((r) => ({ host: r.host, tenantId: r.tenant_id }))
  }

  async allConnectionNames (): Promise<Array<{ tenantId: string, name: string }>> {
    const rows = await this.db.selectFrom('connections').select(['tenant_id', 'name']).execute()
    return rows.map((r) => ({ tenantId: r.tenant_id, name: r.name }))
  }

  async clientsOfTenant (tenantId: string): Promise<Client[]> {
    return (await this.db.selectFrom('clients').selectAll().where('tenant_id', '=', tenantId).execute()).map(toClient)
  }

  async connectionsOfTenant (tenantId: string): Promise<Connection[]> {
    return (await this.db.selectFrom('connections').selectAll().where('tenant_id', '=', tenantId).execute()).map(toConnection)
  }

  async resourceServersOfTenant (tenantId: string): Promise<ResourceServer[]> {
    return (await this.db.selectFrom('resource_servers').selectAll().where('tenant_id', '=', tenantId).execute()).map(toResourceServer)
  }

  async clientGrantsOfTenant (tenantId: string): Promise<ClientGrant[]> {
    return (await this.db.selectFrom('client_grants').selectAll().where('tenant_id', '=', tenantId).execute()).map(toClientGrant)
  }

  async close (): Promise<void> { await this.onClose() }

  // Tenants

  async tenantByHost (host: string): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenant_hosts').innerJoin('tenants', 'tenants.id', 'tenant_hosts.tenant_id')
      .selectAll('tenants').where('tenant_hosts.host', '=', host.toLowerCase()).executeTakeFirst()
    return row && toTenant(row)
  }

  async defaultTenant (): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('is_default', '=', 1).executeTakeFirst()
    return row && toTenant(row)
  }

  async tenantByName (name: string): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirst()
    return row && toTenant(row)
  }

  async allTenants (): Promise<Tenant[]> {
    const rows = await this.db.selectFrom('tenants').selectAll().orderBy('name').execute()
    return rows.map(toTenant)
  }

  async upsertTenant (tenant: Tenant, hosts: string[]): Promise<void> {
    return this.configWrite(async (db) => {
      const values = {
        id: tenant.id, name: tenant.name, is_default: tenant.isDefault ? 1 : 0, public_url: tenant.publicUrl,
        signing_alg: tenant.signingAlg, default_connection: tenant.defaultConnection, created_at: Math.floor(Date.now() / 1000),
        attack_protection: JSON.stringify(tenant.attackProtection ?? {}),
        mfa: JSON.stringify(tenant.mfa ?? {}),
        email: JSON.stringify(tenant.email ?? {}),
      }
      const { created_at: _, id: __, ...changes } = values
      await db.insertInto('tenants').values(values)
        .onConflict((oc) => oc.column('id').doUpdateSet(changes)).execute()
      if (tenant.isDefault) {
        await db.updateTable('tenants').set({ is_default: 0 }).where('id', '!=', tenant.id).execute()
      }
      await db.deleteFrom('tenant_hosts').where('tenant_id', '=', tenant.id).execute()
      if (hosts.length > 0) {
        await db.insertInto('tenant_hosts')
          .values(hosts.map((host) => ({ host: host.toLowerCase(), tenant_id: tenant.id }))).execute()
      }
    })
  }

  async hostsOfTenant (tenantId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('tenant_hosts').select('host').where('tenant_id', '=', tenantId).execute()
    return rows.map((r) => r.host)
  }

  async hostsOfOtherTenants (tenantId: string, hosts: string[]): Promise<string[]> {
    if (hosts.length === 0) return []
    const rows = await this.db.selectFrom('tenant_hosts').select('host')
      .where('host', 'in', hosts.map((h) => h.toLowerCase())).where('tenant_id', '!=', tenantId).execute()
    return rows.map((r) => r.host)
  }

  // Connections

  async connectionByName (tenantId: string, name: string): Promise<Connection | undefined> {
    const row = await this.db.selectFrom('connections').selectAll()
      .where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst()
    return row && toConnection(row)
  }

  async connectionById (tenantId: string, id: string): Promise<Connection | undefined> {
    const row = await this.db.selectFrom('connections').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
    return row && toConnection(row)
  }

  async connectionExistsElsewhere (tenantId: string, name: string): Promise<boolean> {
    const row = await this.db.selectFrom('connections').select('id')
      .where('name', '=', name).where('tenant_id', '!=', tenantId).executeTakeFirst()
    return row !== undefined
  }

  async upsertConnection (c: Connection): Promise<void> {
    return this.configWrite(async (db) => {
      const changes = {
        strategy: c.strategy, enabled_clients: JSON.stringify(c.enabledClients), options: JSON.stringify(c.options),
      }
      await db.insertInto('connections')
        .values({ id: c.id, tenant_id: c.tenantId, name: c.name, created_at: Math.floor(Date.now() / 1000), ...changes })
        .onConflict((oc) => oc.column('id').doUpdateSet(changes)).execute()
    })
  }

  // Clients

  async clientById (tenantId: string, clientId: string): Promise<Client | undefined> {
    const row = await this.db.selectFrom('clients').selectAll()
      .where('client_id', '=', clientId).where('tenant_id', '=', tenantId).executeTakeFirst()
    return row && toClient(row)
  }

  async upsertClient (c: Client): Promise<void> {
    return this.configWrite(async (db) => {
      const changes = {
        name: c.name, type: c.type, grant_types: JSON.stringify(c.grantTypes), web_origins: JSON.stringify(c.webOrigins),
        secret_hash: c.secretHash, auth_methods: JSON.stringify(c.authMethods), require_email_verified: c.requireEmailVerified ? 1 : 0,
        callbacks: JSON.stringify(c.callbacks),
        jwks: c.jwks ? JSON.stringify(c.jwks) : null, jwks_uri: c.jwksUri ?? null,
        token_endpoint_ip_header_trusted: c.trustForwardedIp ? 1 : 0,
        mfa_policy: c.mfaPolicy ?? null,
      }
      await db.insertInto('clients')
        .values({ client_id: c.clientId, tenant_id: c.tenantId, created_at: Math.floor(Date.now() / 1000), ...changes })
        .onConflict((oc) => oc.column('client_id').doUpdateSet(changes)).execute()
    })
  }

  async deleteClient (tenantId: string, clientId: string): Promise<boolean> {
    return this.configWrite(async (db) => {
      const result = await db.deleteFrom('clients').where('tenant_id', '=', tenantId).where('client_id', '=', clientId).executeTakeFirst()
      if (Number(result.numDeletedRows) !== 1) return false
      await db.deleteFrom('client_grants').where('tenant_id', '=', tenantId).where('client_id', '=', clientId).execute()
      return true
    })
  }

  async tenantIdOfClient (clientId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('clients').select('tenant_id').where('client_id', '=', clientId).executeTakeFirst()
    return row?.tenant_id
  }

  // Users

  async userByLogin (connectionId: string, login: string): Promise<User | undefined> {
    const [row] = (await userByLogin.execute(this.db, { connectionId, email: login.toLowerCase(), login })).rows
    return row && toUser(row)
  }

  async userById (tenantId: string, userId: string): Promise<User | undefined> {
    const [row] = (await userById.execute(this.db, { tenantId, userId })).rows
    return row && toUser(row)
  }

  async insertUser (user: User): Promise<void> {
    await this.db.insertInto('users').values(fromUser(user)).execute()
  }

  async updateUser (user: User): Promise<void> {
    const { id, created_at: _, ...changes } = fromUser(user)
    await this.db.updateTable('users').set(changes).where('id', '=', id).execute()
  }

  // Signing keys

  async signingKeys (tenantId: string): Promise<SigningKey[]> {
    const now = Math.floor(Date.now() / 1000)
    const rows = await this.db.selectFrom('signing_keys').selectAll().where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([eb('retire_after', 'is', null), eb('retire_after', '>', now)]))
      .orderBy('seq', 'desc').execute()
    const keys = rows.map(toSigningKey)
    return [...keys.filter((k) => k.status === 'current'), ...keys.filter((k) => k.status !== 'current')]
  }

  async allSigningKeys (tenantId: string): Promise<SigningKey[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().where('tenant_id', '=', tenantId)
      .orderBy('seq', 'desc').execute()
    const keys = rows.map(toSigningKey)
    return [...keys.filter((k) => k.status === 'current'), ...keys.filter((k) => k.status !== 'current')]
  }

  async tenantIdOfSigningKey (kid: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('signing_keys').select('tenant_id').where('kid', '=', kid).executeTakeFirst()
    return row?.tenant_id
  }

  async insertSigningKey (key: SigningKey): Promise<void> {
    return this.configWrite(async (db) => {
      await db.insertInto('signing_keys').values({
        kid: key.kid, tenant_id: key.tenantId, alg: key.alg, private_pem: key.privatePem,
        public_jwk: JSON.stringify(key.publicJwk), status: key.status, created_at: key.createdAt,
        retire_after: key.retireAfter ?? null,
        seq: (eb) => eb.selectFrom('signing_keys').select(sql<number>`COALESCE(MAX(seq), 0) + 1`.as('next')),
      }).execute()
    })
  }

  async retireCurrentSigningKeys (tenantId: string, retireAfter: number): Promise<void> {
    return this.configWrite(async (db) => {
      await db.updateTable('signing_keys').set({ status: 'previous', retire_after: retireAfter })
        .where('tenant_id', '=', tenantId).where('status', '=', 'current').execute()
    })
  }

  async deleteRetiredSigningKeys (tenantId: string, now: number): Promise<string[]> {
    return this.configWrite(async (db) => {
      const rows = await db.selectFrom('signing_keys').select('kid').where('tenant_id', '=', tenantId)
        .where('status', '=', 'previous').where('retire_after', '<=', now).execute()
      const kids = rows.map((r) => r.kid)
      if (kids.length > 0) await db.deleteFrom('signing_keys').where('kid', 'in', kids).execute()
      return kids
    })
  }

  // One-time values (assertion jtis). The primary key decides atomically: the insert wins, or it
  // conflicts and may only take over a record that has expired.

  async recordOnce (id: string, expiresAt: number, now: number): Promise<boolean> {
    const result = await recordOnce.execute(this.db, { id, expiresAt, now })
    return Number(result.numAffectedRows ?? 0n) === 1
  }

  async deleteExpiredRecords (now: number): Promise<void> {
    await this.db.deleteFrom('used_jtis').where('expires_at', '<=', now).execute()
  }

  // Refresh tokens (stored by hash only)

  async insertRefreshToken (t: RefreshTokenRecord): Promise<void> {
    await insertRefreshToken.execute(this.db, fromRefreshToken(t))
  }

  async refreshTokenByHash (tokenHash: string) {
    const [row] = (await refreshTokenByHash.execute(this.db, { hash: tokenHash })).rows
    return row && toRefreshToken(row)
  }

  async refreshTokenWithUser (tokenHash: string) {
    const [row] = (await refreshTokenWithUserByHash.execute(this.db, { hash: tokenHash })).rows
    return row && { token: toRefreshToken(row), user: userOfRow(row) }
  }

  // Passwordless codes (stored by salted hash only)

  async saveCurrentCode (c: PasswordlessCodeRecord): Promise<void> {
    // Expired codes of anyone are useless: each save sweeps them, so the table stays small.
    await this.db.deleteFrom('passwordless_codes').where('expires_at', '<=', c.createdAt).execute()
    const changes = {
      id: c.id, code_salt: c.codeSalt, code_hash: c.codeHash, attempts: c.attempts, created_at: c.createdAt, expires_at: c.expiresAt,
    }
    await this.db.insertInto('passwordless_codes')
      .values({ tenant_id: c.tenantId, connection_id: c.connectionId, login: c.login, ...changes })
      .onConflict((oc) => oc.columns(['connection_id', 'login']).doUpdateSet(changes)).execute()
  }

  async takeCodeAttempt (connectionId: string, login: string, now: number, maxAttempts: number) {
    // One UPDATE decides and counts: parallel attempts can never get more than maxAttempts through.
    const row = await this.db.updateTable('passwordless_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('connection_id', '=', connectionId).where('login', '=', login)
      .where('expires_at', '>', now).where('attempts', '<', maxAttempts)
      .returningAll().executeTakeFirst()
    return row && toPasswordlessCode(row)
  }

  async consumeCode (id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('passwordless_codes').where('id', '=', id).executeTakeFirst()
    return Number(result.numDeletedRows) === 1
  }

  // The development outbox

  async insertOutboxMessage (m: OutboxMessage): Promise<void> {
    await this.db.insertInto('passwordless_outbox').values({
      id: m.id, tenant_id: m.tenantId, connection: m.connection, channel: m.channel, recipient: m.recipient,
      subject: m.subject, text: m.text, created_at_ms: m.createdAt,
    }).execute()
  }

  async latestOutboxMessages (limit: number): Promise<OutboxMessage[]> {
    const rows = await this.db.selectFrom('passwordless_outbox').selectAll()
      .orderBy('created_at_ms', 'desc').orderBy('id', 'desc').limit(limit).execute()
    return rows.map(toOutboxMessage).reverse()
  }

  // Attack protection: each operation is one statement, so concurrent requests cannot interleave.

  async countAttempt (key: AttemptKey, fingerprint: string, now: number, expiresAt: number): Promise<number> {
    const [row] = (await countAttempt.execute(this.db, { tenantId: key.tenantId, subject: key.subject, ip: key.ip, fingerprint, expiresAt, now })).rows
    if (!row) throw new Error('countAttempt: the upsert returned no row')
    return Number(row.count)
  }

  async uncountAttempt (key: AttemptKey): Promise<void> {
    await uncountAttempt.execute(this.db, { tenantId: key.tenantId, subject: key.subject, ip: key.ip })
  }

  async clearAttempts (key: AttemptKey): Promise<void> {
    await clearAttempts.execute(this.db, { tenantId: key.tenantId, subject: key.subject, ip: key.ip })
  }

  async clearSubject (tenantId: string, subject: string): Promise<number> {
    const result = await this.db.deleteFrom('login_attempts')
      .where('tenant_id', '=', tenantId).where('subject', '=', subject).executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  async takeIpAllowance (tenantId: string, ip: string, budget: IpBudget, now: number): Promise<IpAllowance> {
    const interval = Math.floor(budget.windowMs / budget.limit)
    const [row] = (await takeIpAllowance.execute(this.db, { tenantId, ip, now, interval, windowMs: budget.windowMs, firstTat: now + interval })).rows
    if (!row) throw new Error('takeIpAllowance: the upsert returned no row')
    return allowance(Number(row.tat_ms), Number(row.last_allowed) === 1, interval, budget.windowMs, now)
  }

  async returnIpAllowance (tenantId: string, ip: string, budget: IpBudget, now: number): Promise<void> {
    await returnIpAllowance.execute(this.db, { tenantId, ip, interval: Math.floor(budget.windowMs / budget.limit), now })
  }

  async clearIp (tenantId: string, ip: string, now: number): Promise<boolean> {
    const rows = await this.db.deleteFrom('ip_throttle').where('tenant_id', '=', tenantId).where('ip', '=', ip).returning('tat_ms').execute()
    return rows.some((r) => Number(r.tat_ms) > now)
  }

  // Request counters (rate limits shared by the processes of one server)

  async countRequest (key: string, windowMs: number, now: number): Promise<{ count: number, resetAt: number }> {
    const row = await this.db.insertInto('request_counters').values({ key, count: 1, reset_at_ms: now + windowMs })
      .onConflict((oc) => oc.column('key').doUpdateSet({
        count: sql<number>`CASE WHEN request_counters.reset_at_ms > ${now} THEN request_counters.count + 1 ELSE 1 END`,
        reset_at_ms: sql<number>`CASE WHEN request_counters.reset_at_ms > ${now} THEN request_counters.reset_at_ms ELSE excluded.reset_at_ms END`,
      }))
      .returning(['count', 'reset_at_ms']).executeTakeFirstOrThrow()
    return { count: Number(row.count), resetAt: Number(row.reset_at_ms) }
  }

  async deleteExpiredRequestCounters (now: number): Promise<void> {
    await this.db.deleteFrom('request_counters').where('reset_at_ms', '<=', now).execute()
  }

  // Audit log

  async recordEvent (e: AuditEvent): Promise<void> {
    await this.recordEvents([e])
  }

  /** Writes a batch of events in one statement. */
  async recordEvents (events: AuditEvent[]): Promise<void> {
    if (events.length === 0) return
    await this.db.insertInto('audit_events').values(events.map((e) => ({
      id: eventId(e.createdAt), type: e.type, tenant_id: e.tenantId, client_id: e.clientId, connection: e.connection,
      user_id: e.userId, login: e.login, ip: e.ip, detail: e.detail, created_at_ms: e.createdAt,
    }))).execute()
  }

  async events (query: AuditQuery): Promise<AuditEvent[]> {
    let q = this.db.selectFrom('audit_events').selectAll()
    if (query.tenantId) q = q.where('tenant_id', '=', query.tenantId)
    if (query.type) q = q.where('type', '=', query.type)
    const rows = await q.orderBy('created_at_ms', 'desc').orderBy('id', 'desc').limit(query.limit).execute()
    return rows.map(toAuditEvent)
  }

  async rotateRefreshToken (consumedId: string, next: RefreshTokenRecord, now: number): Promise<boolean> {
    if (this.dialect === 'postgres') {
      const result = await rotateRefreshTokenInOneStatement.execute(this.db, { ...fromRefreshToken(next), consumedId, now })
      return Number(result.numAffectedRows) === 1
    }
    return this.db.transaction().execute(async (trx) => {
      const result = await consumeRefreshToken.execute(trx, { id: consumedId, now })
      if (Number(result.numAffectedRows) !== 1) return false
      await insertRefreshToken.execute(trx, fromRefreshToken(next))
      return true
    })
  }

  async revokeRefreshTokenFamily (familyId: string, now: number): Promise<number> {
    const result = await this.db.updateTable('refresh_tokens').set({ revoked_at: now })
      .where('family_id', '=', familyId).where('revoked_at', 'is', null).executeTakeFirst()
    return Number(result.numUpdatedRows)
  }

  async endUserSessions (tenantId: string, userId: string, now: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ sessions_valid_after: now })
        .where('tenant_id', '=', tenantId).where('id', '=', userId).execute()
      const result = await trx.updateTable('refresh_tokens').set({ revoked_at: now })
        .where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst()
      return Number(result.numUpdatedRows)
    })
  }

  // One-time link tickets (stored by hash only)

  async saveTicket (t: UserTicketRecord): Promise<void> {
    // Expired tickets of anyone are useless: each save sweeps them.
    await this.db.deleteFrom('user_tickets').where('expires_at', '<=', t.createdAt).execute()
    const changes = { token_hash: t.tokenHash, created_at: t.createdAt, expires_at: t.expiresAt }
    await this.db.insertInto('user_tickets')
      .values({ tenant_id: t.tenantId, user_id: t.userId, kind: t.kind, ...changes })
      .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet(changes)).execute()
  }

  async findTicket (kind: TicketKind, tokenHash: string, now: number): Promise<UserTicketRecord | undefined> {
    const row = await this.db.selectFrom('user_tickets').selectAll()
      .where('token_hash', '=', tokenHash).where('kind', '=', kind).where('expires_at', '>', now).executeTakeFirst()
    return row && toTicket(row)
  }

  async takeTicket (kind: TicketKind, tokenHash: string, now: number): Promise<UserTicketRecord | undefined> {
    const row = await this.db.deleteFrom('user_tickets')
      .where('token_hash', '=', tokenHash).where('kind', '=', kind).where('expires_at', '>', now)
      .returningAll().executeTakeFirst()
    return row && toTicket(row)
  }

  async claimLeakedPasswordNotice (userId: string, now: number, intervalSeconds: number): Promise<boolean> {
    const result = await this.db.updateTable('users').set({ leaked_notice_at: now }).where('id', '=', userId)
      .where((eb) => eb.or([eb('leaked_notice_at', 'is', null), eb('leaked_notice_at', '<=', now - intervalSeconds)]))
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  // Login sessions

  async insertLoginSession (s: LoginSession): Promise<void> {
    await insertLoginSession.execute(this.db, fromLoginSession(s))
  }

  async loginSessionById (id: string): Promise<LoginSession | undefined> {
    const row = await this.db.selectFrom('login_sessions').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toLoginSession(row)
  }

  async endLoginSession (id: string, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const ended = await trx.updateTable('login_sessions').set({ ended_at: now })
        .where('id', '=', id).where('ended_at', 'is', null).executeTakeFirst()
      await trx.updateTable('refresh_tokens').set({ revoked_at: now })
        .where('session_id', '=', id).where('revoked_at', 'is', null).execute()
      return Number(ended.numUpdatedRows) === 1
    })
  }

  async endLoginSessionsOfUser (tenantId: string, userId: string, now: number): Promise<number> {
    const ended = await this.db.updateTable('login_sessions').set({ ended_at: now })
      .where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('ended_at', 'is', null).executeTakeFirst()
    // Every refresh token of the user's sessions, ended now or before.
    await this.db.updateTable('refresh_tokens').set({ revoked_at: now })
      .where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('session_id', 'is not', null)
      .where('revoked_at', 'is', null).execute()
    return Number(ended.numUpdatedRows)
  }

  async deleteExpiredLoginSessions (now: number): Promise<void> {
    await this.db.deleteFrom('login_sessions').where('expires_at', '<=', now).execute()
  }

  // APIs (resource servers) and client grants

  async resourceServerByIdentifier (tenantId: string, identifier: string): Promise<ResourceServer | undefined> {
    const row = await this.db.selectFrom('resource_servers').selectAll()
      .where('tenant_id', '=', tenantId).where('identifier', '=', identifier).executeTakeFirst()
    return row && toResourceServer(row)
  }

  async clientGrant (tenantId: string, clientId: string, audience: string): Promise<ClientGrant | undefined> {
    const row = await this.db.selectFrom('client_grants').selectAll()
      .where('tenant_id', '=', tenantId).where('client_id', '=', clientId).where('audience', '=', audience).executeTakeFirst()
    return row && toClientGrant(row)
  }

  async upsertResourceServer (api: ResourceServer): Promise<void> {
    return this.configWrite(async (db) => {
      const changes = {
        name: api.name, scopes: JSON.stringify(api.scopes), token_lifetime: api.tokenLifetime,
        allow_offline_access: api.allowOfflineAccess ? 1 : 0,
      }
      await db.insertInto('resource_servers')
        .values({ id: api.id, tenant_id: api.tenantId, identifier: api.identifier, created_at: Math.floor(Date.now() / 1000), ...changes })
        .onConflict((oc) => oc.column('id').doUpdateSet(changes)).execute()
    })
  }

  async upsertClientGrant (grant: ClientGrant): Promise<void> {
    return this.configWrite(async (db) => {
      const changes = { scopes: JSON.stringify(grant.scopes), act_for_users: grant.actForUsers ? 1 : 0 }
      await db.insertInto('client_grants')
        .values({
          id: `${grant.clientId} ${grant.audience}`, tenant_id: grant.tenantId, client_id: grant.clientId,
          audience: grant.audience, created_at: Math.floor(Date.now() / 1000), ...changes,
        })
        .onConflict((oc) => oc.columns(['client_id', 'audience']).doUpdateSet(changes)).execute()
    })
  }

  async deleteClientGrant (tenantId: string, clientId: string, audience: string): Promise<boolean> {
    return this.configWrite(async (db) => {
      const result = await db.deleteFrom('client_grants')
        .where('tenant_id', '=', tenantId).where('client_id', '=', clientId).where('audience', '=', audience).executeTakeFirst()
      return Number(result.numDeletedRows) === 1
    })
  }

  // Web origins (CORS)

  async webOriginsOfTenant (tenantId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('clients').select('web_origins').where('tenant_id', '=', tenantId).execute()
    return [...new Set(rows.flatMap((r) => json(r.web_origins) as string[]))]
  }

  // MFA

  async authenticatorsOfUser (tenantId: string, userId: string): Promise<MfaAuthenticator[]> {
    const rows = await this.db.selectFrom('mfa_authenticators').selectAll()
      .where('tenant_id', '=', tenantId).where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute()
    return rows.map(toAuthenticator)
  }

  async insertAuthenticator (a: MfaAuthenticator): Promise<void> {
    await this.db.insertInto('mfa_authenticators').values({
      id: a.id, tenant_id: a.tenantId, user_id: a.userId, type: a.type, oob_channel: a.oobChannel, phone_number: a.phoneNumber,
      secret: a.secret, active: a.active ? 1 : 0, last_step: a.lastStep, created_at: a.createdAt,
    }).execute()
  }

  async activateAuthenticator (tenantId: string, userId: string, id: string): Promise<void> {
    await this.db.updateTable('mfa_authenticators').set({ active: 1 })
      .where('tenant_id', '=', tenantId).where('user_id', '=', userId)
      .where((eb) => eb.or([eb('id', '=', id), eb('type', '=', 'recovery-code')])).execute()
  }

  async acceptTotpStep (id: string, step: number): Promise<boolean> {
    const result = await this.db.updateTable('mfa_authenticators').set({ last_step: step })
      .where('id', '=', id).where('last_step', '<', step).executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async replaceSecret (id: string, expected: string, next: string): Promise<boolean> {
    const result = await this.db.updateTable('mfa_authenticators').set({ secret: next })
      .where('id', '=', id).where('secret', '=', expected).executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async deleteAuthenticators (tenantId: string, userId: string, ids?: string[]): Promise<number> {
    let q = this.db.deleteFrom('mfa_authenticators').where('tenant_id', '=', tenantId).where('user_id', '=', userId)
    if (ids) {
      if (ids.length === 0) return 0
      q = q.where('id', 'in', ids)
    }
    const result = await q.executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  async insertMfaTransaction (t: MfaTransaction, now: number): Promise<void> {
    // Expired logins are useless: each insert sweeps them, so the table stays small. They are kept a
    // day past their end, so that a client is told its mfa_token expired rather than that it is unknown.
    await this.db.deleteFrom('mfa_transactions').where('expires_at', '<=', now - 86400).execute()
    await this.db.deleteFrom('mfa_oob_codes').where('expires_at', '<=', now).execute()
    await this.db.insertInto('mfa_transactions').values({
      token_hash: t.tokenHash, tenant_id: t.tenantId, client_id: t.clientId, user_id: t.userId,
      mint: JSON.stringify(t.mint), expires_at: t.expiresAt,
    }).execute()
  }

  async mfaTransaction (tokenHash: string): Promise<MfaTransaction | undefined> {
    const r = await this.db.selectFrom('mfa_transactions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
    return r && {
      tokenHash: r.token_hash, tenantId: r.tenant_id, clientId: r.client_id, userId: r.user_id, mint: json(r.mint), expiresAt: Number(r.expires_at),
    }
  }

  async consumeMfaTransaction (tokenHash: string): Promise<boolean> {
    const result = await this.db.deleteFrom('mfa_transactions').where('token_hash', '=', tokenHash).executeTakeFirst()
    return Number(result.numDeletedRows) === 1
  }

  async insertOobCode (c: MfaOobCode): Promise<void> {
    await this.db.insertInto('mfa_oob_codes').values({
      code_hash: c.codeHash, tenant_id: c.tenantId, user_id: c.userId, authenticator_id: c.authenticatorId,
      binding_salt: c.bindingSalt, binding_hash: c.bindingHash, expires_at: c.expiresAt,
    }).execute()
  }

  async oobCode (codeHash: string): Promise<MfaOobCode | undefined> {
    const r = await this.db.selectFrom('mfa_oob_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst()
    return r && {
      codeHash: r.code_hash, tenantId: r.tenant_id, userId: r.user_id, authenticatorId: r.authenticator_id,
      bindingSalt: r.binding_salt, bindingHash: r.binding_hash, expiresAt: Number(r.expires_at),
    }
  }

  async consumeOobCode (codeHash: string): Promise<boolean> {
    const result = await this.db.deleteFrom('mfa_oob_codes').where('code_hash', '=', codeHash).executeTakeFirst()
    return Number(result.numDeletedRows) === 1
  }

  // Signup

  async insertUserIfAbsent (user: User): Promise<boolean> {
    // ON CONFLICT DO NOTHING: a taken email, username or phone number is an answer, not an error
    // (on PostgreSQL an error would also abort the surrounding transaction).
    const result = await this.db.insertInto('users').values(fromUser(user)).onConflict((oc) => oc.doNothing()).executeTakeFirst()
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1
  }
}

/** Sorts as the events were written: their time, then this process' sequence, then randomness. */
let eventSequence = 0
const eventId = (createdAt: number): string => createdAt.toString(36).padStart(10, '0') +
  (eventSequence++ % 36 ** 6).toString(36).padStart(6, '0') + randomBytes(4).toString('hex')

const toTicket = (r: Selectable<UserTicketTable>): UserTicketRecord => ({
  tenantId: r.tenant_id, userId: r.user_id, kind: r.kind as TicketKind, tokenHash: r.token_hash,
  createdAt: Number(r.created_at), expiresAt: Number(r.expires_at),
})

const toAuditEvent = (r: Selectable<AuditEventTable>): AuditEvent => ({
  type: r.type as AuditEventType, tenantId: r.tenant_id, clientId: r.client_id, connection: r.connection,
  userId: r.user_id, login: r.login, ip: r.ip, detail: r.detail, createdAt: Number(r.created_at_ms),
})

