// The storage port: what the rest of Tollgate may ask of a store, as narrow interfaces per need.
// Adapters (SQLite now, PostgreSQL later) implement all of them; a grant depends only on the ones
// it uses. No SQL exists outside src/store/.
import type { JsonWebKey } from 'node:crypto'

export interface Tenant {
  id: string
  name: string
  isDefault: boolean
  publicUrl: string | null
  signingAlg: string
  /** The connection /oauth/token's password grant uses when no realm is given. */
  defaultConnection: string | null
  /** The tenant's own attack-protection settings, over the deployment's defaults. */
  attackProtection?: AttackProtectionOverrides
}

/** What a tenant may set differently from the deployment (see config.ts attackProtection). */
export interface AttackProtectionOverrides {
  bruteForce?: { enabled?: boolean, threshold?: number, mode?: 'per_ip' | 'account_lockout', blockSeconds?: number }
  suspiciousIp?: { enabled?: boolean, maxFailures?: number, windowSeconds?: number }
  breachedPasswords?: { enabled?: boolean }
  allowList?: string[]
}

export type CharacterClass = 'lower' | 'upper' | 'number' | 'special'

/** What a new password must satisfy at signup (database connections). */
export interface PasswordPolicy {
  min_length: number
  /** Character classes the policy counts. */
  character_classes?: CharacterClass[]
  /** How many of those classes a password needs; all of them when absent. */
  min_character_classes?: number
}

export interface ConnectionOptions {
  /** custom-database: where credentials are checked (POST {username, password}). */
  login_url?: string
  /** sms and email: how codes reach the user (default: the development outbox). */
  delivery?: DeliveryOptions
  /** database: the signup password policy; Tollgate's default when absent (see src/security/password-policy.ts). */
  password_policy?: PasswordPolicy
}

/** A passwordless connection's delivery provider. */
export type DeliveryOptions =
  | { provider: 'development' }
  | { provider: 'http', url: string, timeout_ms?: number }

export interface Connection {
  id: string
  tenantId: string
  name: string
  strategy: string
  enabledClients: string[]
  options: ConnectionOptions
}

export type ClientAuthMethod = 'none' | 'client_secret_post' | 'client_secret_basic' | 'private_key_jwt'

export interface Client {
  clientId: string
  tenantId: string
  name: string
  type: 'spa' | 'native' | 'machine'
  grantTypes: string[]
  webOrigins: string[]
  secretHash: string | null
  /** How the client proves itself at the token endpoint (RFC 8414 names). */
  authMethods: ClientAuthMethod[]
  requireEmailVerified: boolean
  /** Allowed callback URLs; a passwordless link is sent to one of them. */
  callbacks: string[]
  /** RFC 7523: the client's public keys, inline (a JWK set) or where to fetch them. */
  jwks?: JsonWebKeySet | null
  jwksUri?: string | null
  /** Whether the client's assertions may name a user of the tenant as subject (RFC 7523 2.1). */
  actForUsers?: boolean
}

export interface JsonWebKeySet {
  keys: JsonWebKey[]
}

export type JsonObject = Record<string, unknown>

export interface User {
  id: string
  tenantId: string
  connectionId: string
  email: string | null
  username: string | null
  phoneNumber: string | null
  emailVerified: boolean
  passwordHash: string | null
  blocked: boolean
  profile: JsonObject
  userMetadata: JsonObject
  appMetadata: JsonObject
  createdAt: number
  updatedAt: number
}

export type KeyStatus = 'current' | 'previous'

export interface SigningKey {
  kid: string
  tenantId: string
  alg: string
  privatePem: string
  publicJwk: JsonWebKey & { kid: string, alg: string, use: string }
  status: KeyStatus
  createdAt: number
  /** For a previous key: when the last token it signed expires (after that it is no longer published). */
  retireAfter?: number | null
}

export interface RefreshTokenRecord {
  id: string
  tokenHash: string
  /** Every token rotated from one login shares its family id. */
  familyId: string
  tenantId: string
  clientId: string
  userId: string
  device: string
  scope: string
  /** When this token was issued: its idle lifetime counts from here. */
  createdAt: number
  /** The family's absolute end, inherited by every rotation. */
  expiresAt: number
  /** The API its access tokens are for; null for the tenant's /userinfo. */
  audience?: string | null
}

export interface StoredRefreshToken extends RefreshTokenRecord {
  audience: string | null
  revokedAt: number | null
  /** Set when the token was rotated: presenting it again is reuse. */
  consumedAt: number | null
}

/** An API (resource server) that access tokens can be issued for. */
export interface ResourceServer {
  id: string
  tenantId: string
  /** The `audience` clients ask for, and the tokens' `aud`. */
  identifier: string
  name: string
  /** The scopes the API defines. */
  scopes: string[]
  /** Lifetime of its access tokens, in seconds. */
  tokenLifetime: number
  /** Whether a login for this API may get a refresh token (Auth0's "Allow Offline Access"). */
  allowOfflineAccess: boolean
}

/** Which API scopes a client may get for itself (client credentials), as Auth0's client grants. */
export interface ClientGrant {
  tenantId: string
  clientId: string
  audience: string
  scopes: string[]
}

export interface TenantDirectory {
  tenantByHost (host: string): Promise<Tenant | undefined>
  defaultTenant (): Promise<Tenant | undefined>
}

export interface ClientDirectory {
  clientById (tenantId: string, clientId: string): Promise<Client | undefined>
}

export interface ConnectionDirectory {
  connectionByName (tenantId: string, name: string): Promise<Connection | undefined>
  /** Whether a connection of that name exists in some other tenant (for a precise error). */
  connectionExistsElsewhere (tenantId: string, name: string): Promise<boolean>
}

export interface UserStore {
  /** Finds a user of a connection by email (case-insensitive), username or phone number. */
  userByLogin (connectionId: string, login: string): Promise<User | undefined>
  userById (tenantId: string, userId: string): Promise<User | undefined>
  insertUser (user: User): Promise<void>
  /**
   * Inserts the user unless its email, username or phone number is taken in its connection (or its
   * id is); false when taken. Of parallel calls for one login, exactly one gets true.
   */
  insertUserIfAbsent (user: User): Promise<boolean>
  updateUser (user: User): Promise<void>
}

export interface KeyStore {
  /** The keys the tenant publishes, the current one first: previous keys only until their retire_after. */
  signingKeys (tenantId: string): Promise<SigningKey[]>
  insertSigningKey (key: SigningKey): Promise<void>
  /** Every key stored for the tenant, also those past retire_after (for `tollgate keys list`); current first. */
  allSigningKeys (tenantId: string): Promise<SigningKey[]>
  /** The tenant a key id is stored for, if any (kids are unique across tenants). */
  tenantIdOfSigningKey (kid: string): Promise<string | undefined>
  /** Makes the tenant's current key(s) previous, published until `retireAfter`. */
  retireCurrentSigningKeys (tenantId: string, retireAfter: number): Promise<void>
  /** Deletes the tenant's previous keys whose retire_after has passed; returns their kids. */
  deleteRetiredSigningKeys (tenantId: string, now: number): Promise<string[]>
}

/** One-time values (assertion jtis), recorded by hash. */
export interface ReplayStore {
  /**
   * Records `id` until `expiresAt`, atomically: true if it was not recorded (or its record had
   * expired), false if it is in use. Of concurrent calls with the same id, exactly one gets true.
   */
  recordOnce (id: string, expiresAt: number, now: number): Promise<boolean>
  deleteExpiredRecords (now: number): Promise<void>
}

export interface RefreshTokenStore {
  insertRefreshToken (token: RefreshTokenRecord): Promise<void>
  refreshTokenByHash (tokenHash: string): Promise<StoredRefreshToken | undefined>
  /**
   * Consumes `consumedId` and stores its successor, atomically: only a token neither consumed nor
   * revoked can be consumed, so of two parallel rotations exactly one returns true.
   */
  rotateRefreshToken (consumedId: string, next: RefreshTokenRecord, now: number): Promise<boolean>
  /** Revokes every token of a family (reuse detected, or the session revoked); returns how many. */
  revokeRefreshTokenFamily (familyId: string, now: number): Promise<number>
}

export interface ResourceServerDirectory {
  resourceServerByIdentifier (tenantId: string, identifier: string): Promise<ResourceServer | undefined>
  clientGrant (tenantId: string, clientId: string, audience: string): Promise<ClientGrant | undefined>
}

export interface WebOriginDirectory {
  /** Every web origin some client of the tenant lists (what a CORS preflight may be allowed for). */
  webOriginsOfTenant (tenantId: string): Promise<string[]>
}

export type SignupStore = Pick<UserStore, 'insertUserIfAbsent'>

/** The one current passwordless code of a login in a connection; the code itself is never stored. */
export interface PasswordlessCodeRecord {
  id: string
  tenantId: string
  connectionId: string
  /** The phone number, or the email in lower case. */
  login: string
  codeSalt: string
  codeHash: string
  /** Attempts made so far (right or wrong). */
  attempts: number
  createdAt: number
  expiresAt: number
}

export interface PasswordlessCodeStore {
  /** Makes this the current code of its (connection, login), replacing any earlier one. */
  saveCurrentCode (code: PasswordlessCodeRecord): Promise<void>
  /**
   * Counts one attempt at the current code, in one atomic step: returns the code (with the attempt
   * counted) only if it was unexpired at `now` and had fewer than `maxAttempts` attempts before.
   */
  takeCodeAttempt (connectionId: string, login: string, now: number, maxAttempts: number): Promise<PasswordlessCodeRecord | undefined>
  /** Deletes that code; true only for the one caller that deleted it (a code is used once). */
  consumeCode (id: string): Promise<boolean>
}

/** A message the development delivery provider kept instead of sending it. */
export interface OutboxMessage {
  id: string
  tenantId: string
  connection: string
  channel: 'sms' | 'email'
  recipient: string
  subject: string | null
  text: string
  createdAt: number
}

export interface OutboxStore {
  insertOutboxMessage (message: OutboxMessage): Promise<void>
  /** The latest `limit` messages, oldest first. */
  latestOutboxMessages (limit: number): Promise<OutboxMessage[]>
}

/** What `tollgate apply` writes, always inside one transaction. */
export interface ProvisioningStore extends TenantDirectory, ClientDirectory, ConnectionDirectory, UserStore, KeyStore, ResourceServerDirectory {
  tenantByName (name: string): Promise<Tenant | undefined>
  allTenants (): Promise<Tenant[]>
  upsertTenant (tenant: Tenant, hosts: string[]): Promise<void>
  upsertConnection (connection: Connection): Promise<void>
  upsertClient (client: Client): Promise<void>
  /** The tenant a client_id belongs to, whichever it is (client ids are unique across tenants). */
  tenantIdOfClient (clientId: string): Promise<string | undefined>
  hostsOfTenant (tenantId: string): Promise<string[]>
  /** Hosts already claimed by a tenant other than this one. */
  hostsOfOtherTenants (tenantId: string, hosts: string[]): Promise<string[]>
  upsertResourceServer (api: ResourceServer): Promise<void>
  upsertClientGrant (grant: ClientGrant): Promise<void>
}

/**
 * One failed-login counter: an account (`subject`: a user id, or a login no user has) seen from one
 * IP, or from every IP (`ip` = '*', the account-lockout mode).
 */
export interface AttemptKey {
  tenantId: string
  subject: string
  ip: string
}

/** The outcome of taking one failure from an IP's allowance. */
export interface IpAllowance {
  allowed: boolean
  /** Failures the IP may still make now. */
  remaining: number
  /** When refused: milliseconds until one failure is allowed again. */
  retryAfterMs: number
}

/** An IP's failure allowance: `limit` failures, refilled evenly over `windowMs` (a GCRA bucket). */
export interface IpBudget {
  limit: number
  windowMs: number
}

/**
 * Attack-protection state. Every operation is atomic on its own, so parallel requests can never
 * count past a limit. Times are passed in (epoch milliseconds): the caller owns the clock.
 */
export interface AttackStateStore {
  /**
   * Counts one more attempt and returns the new count. The count starts over at 1 when the counter
   * has expired or was kept for another password (`fingerprint`: the password changed since).
   * The counter then expires at `expiresAt`.
   */
  countAttempt (key: AttemptKey, fingerprint: string, now: number, expiresAt: number): Promise<number>
  /** Takes back one attempt that ended without a verdict (e.g. the user store did not answer). */
  uncountAttempt (key: AttemptKey): Promise<void>
  /** Forgets a counter (a successful login). */
  clearAttempts (key: AttemptKey): Promise<void>
  /** Forgets every counter of an account, from every IP; returns how many there were. */
  clearSubject (tenantId: string, subject: string): Promise<number>
  /** Takes one failure from an IP's allowance, unless it is used up. */
  takeIpAllowance (tenantId: string, ip: string, budget: IpBudget, now: number): Promise<IpAllowance>
  /** Gives one back (the attempt it was taken for succeeded). */
  returnIpAllowance (tenantId: string, ip: string, budget: IpBudget, now: number): Promise<void>
  /** Refills an IP's allowance at once; returns whether it had failures to its name. */
  clearIp (tenantId: string, ip: string, now: number): Promise<boolean>
}

export type AuditEventType = 'failed_login' | 'block' | 'unblock' | 'throttle' | 'unthrottle'

/** One entry of the audit log. Never carries a password. */
export interface AuditEvent {
  type: AuditEventType
  tenantId: string
  clientId: string | null
  connection: string | null
  userId: string | null
  /** The username, email or phone number the attempt named. */
  login: string | null
  ip: string | null
  /** Why, in a word: wrong_password, password_leaked, user_blocked, admin... */
  detail: string | null
  /** Epoch milliseconds. */
  createdAt: number
}

export interface AuditQuery {
  tenantId?: string
  type?: AuditEventType
  limit: number
}

export interface AuditLog {
  recordEvent (event: AuditEvent): Promise<void>
  /** The latest events first. */
  events (query: AuditQuery): Promise<AuditEvent[]>
}

/** A request counter's state after one more request. */
export interface RequestCount {
  count: number
  /** When its window ends (epoch milliseconds). */
  resetAtMs: number
}

/** Fixed-window request counters (rate limits), shared by every instance on the store. */
export interface RequestCounterStore {
  /**
   * Counts one request under `key`, atomically: the count starts over at 1 when the window ended
   * by `now`, and the new window ends `windowMs` later. Parallel calls each get their own count.
   */
  countRequest (key: string, windowMs: number, now: number): Promise<RequestCount>
  /** Deletes the counters whose window ended by `now`. */
  deleteEndedCounters (now: number): Promise<void>
}

export interface Store extends ProvisioningStore, RefreshTokenStore, PasswordlessCodeStore, OutboxStore, AttackStateStore, AuditLog,
  ReplayStore, SignupStore, WebOriginDirectory, RequestCounterStore {
  /** Whether several instances may share this store (PostgreSQL), rather than one process owning it (SQLite). */
  readonly shared: boolean
  transaction<T> (work: (store: ProvisioningStore) => Promise<T>): Promise<T>
  close (): Promise<void>
}
