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
  /** How the tenant's emails are sent and what they say (development outbox when absent). */
  email?: TenantEmailSettings
  /** Multi-factor authentication; absent: never. */
  mfa?: MfaSettings
}

export type MfaPolicy = 'never' | 'always' | 'enrolled'
export type MfaFactor = 'otp' | 'sms'

/** A tenant's MFA settings: when a second factor is required, and which factors users may enrol. */
export interface MfaSettings {
  policy: MfaPolicy
  factors: MfaFactor[]
  /** How SMS codes reach the user (default: the development outbox). */
  smsDelivery?: DeliveryOptions

}

/** The kinds of email Tollgate sends to users. */
export type EmailTemplateName = 'reset_password' | 'password_changed' | 'verify_email'

export interface EmailTemplate {
  subject: string
  /** Plain text; {{link}}, {{email}}, {{tenant}} and {{expires_in}} are filled in. */
  text: string
}

export interface SmtpSettings {
  host: string
  port: number
  /** TLS from the first byte (port 465); else STARTTLS when the server offers it. */
  secure?: boolean
  /** Refuse to send unless STARTTLS succeeds. */
  require_tls?: boolean
  /** The login, and the environment variable holding its password (never the password itself). */
  auth?: { user: string, pass_env: string }
  timeout_ms?: number
}

export interface TenantEmailSettings {
  provider?: 'development' | 'smtp'
  /** The From header, e.g. "Acme <no-reply@acme.test>". */
  from?: string
  smtp?: SmtpSettings
  templates?: Partial<Record<EmailTemplateName, EmailTemplate>>
  /** Seconds a password-reset link stays valid (default 5 days). */
  reset_ticket_lifetime?: number
  /** Seconds an email-verification link stays valid (default 5 days). */
  verify_ticket_lifetime?: number
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
  /**
   * Auth0's "Trust Token Endpoint IP Header": when this client has authenticated, its
   * `auth0-forwarded-for` header names the end user's IP (what attack protection counts).
   */
  trustForwardedIp?: boolean
  /** The client's own MFA policy, over the tenant's. */
  mfaPolicy?: MfaPolicy | null
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
  /** Epoch seconds of the last password change: sessions begun at or before it have ended. */
  sessionsValidAfter?: number | null
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
  /** The login session it belongs to; null for tokens issued before sessions existed. */
  sessionId?: string | null
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
  /** Whether the client's RFC 7523 assertions may name a user of the tenant as sub, for this API. */
  actForUsers?: boolean
}

/** One login: id_tokens name it (`sid`), refresh tokens belong to it. */
export interface LoginSession {
  id: string
  tenantId: string
  userId: string
  clientId: string
  /** Part of a hash of the user's password hash at login (a password change ends the session). */
  passwordFingerprint: string
  createdAt: number
  /** The absolute end: nothing issued for the session outlives it. */
  expiresAt: number
  endedAt: number | null
}

export interface LoginSessionStore {
  insertLoginSession (session: LoginSession): Promise<void>
  loginSessionById (id: string): Promise<LoginSession | undefined>
  /** Ends a session and revokes its refresh tokens, in one transaction; returns whether it was live. */
  endLoginSession (id: string, now: number): Promise<boolean>
  /** Ends every live session of a user (and revokes their refresh tokens); returns how many. */
  endLoginSessionsOfUser (tenantId: string, userId: string, now: number): Promise<number>
  /** Forgets sessions past their absolute end (nothing they issued is valid any more). */
  deleteExpiredLoginSessions (now: number): Promise<void>
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

/** A user's own connection, by its id. */
export interface ConnectionById {
  connectionById (tenantId: string, id: string): Promise<Connection | undefined>
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
  /** The token of this hash and its user (undefined once deleted), in one read: a refresh needs both. */
  refreshTokenWithUser (tokenHash: string): Promise<{ token: StoredRefreshToken, user: User | undefined } | undefined>
  /**
   * Consumes `consumedId` and stores its successor, atomically: only a token neither consumed nor
   * revoked can be consumed, so of two parallel rotations exactly one returns true.
   */
  rotateRefreshToken (consumedId: string, next: RefreshTokenRecord, now: number): Promise<boolean>
  /** Revokes every token of a family (reuse detected, or the session revoked); returns how many. */
  revokeRefreshTokenFamily (familyId: string, now: number): Promise<number>
}

/** Ending every session of a user at once (a password change). */
export interface UserSessionStore {
  /**
   * Revokes every refresh token family of the user and records `now` (epoch seconds) as the moment
   * before which its sessions began: id_tokens issued until then are no longer exchanged.
   * Returns how many refresh tokens were revoked.
   */
  endUserSessions (tenantId: string, userId: string, now: number): Promise<number>
}

export type TicketKind = 'reset_password' | 'verify_email'

/** A one-time link's ticket: only its hash is stored, one per (user, kind). */
export interface UserTicketRecord {
  tenantId: string
  userId: string
  kind: TicketKind
  tokenHash: string
  createdAt: number
  expiresAt: number
}

export interface UserTicketStore {
  /** Makes this the user's one ticket of its kind: an earlier one stops working. */
  saveTicket (ticket: UserTicketRecord): Promise<void>
  /** The ticket with this hash, if unexpired at `now`; it stays usable. */
  findTicket (kind: TicketKind, tokenHash: string, now: number): Promise<UserTicketRecord | undefined>
  /** Deletes the ticket if unexpired at `now`, atomically: of parallel uses, one gets it. */
  takeTicket (kind: TicketKind, tokenHash: string, now: number): Promise<UserTicketRecord | undefined>
  /**
   * Records that a leaked-password email goes to the user now, unless one went within `intervalSeconds`:
   * true for the one caller that may send it.
   */
  claimLeakedPasswordNotice (userId: string, now: number, intervalSeconds: number): Promise<boolean>
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
export interface ProvisioningStore extends TenantDirectory, ClientDirectory, ConnectionDirectory, UserStore, KeyStore, ResourceServerDirectory,
  LoginSessionStore {
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
  /** Deletes a client (its client grants go with it); false when there was none. */
  deleteClient (tenantId: string, clientId: string): Promise<boolean>
  deleteClientGrant (tenantId: string, clientId: string, audience: string): Promise<boolean>
}

/**
 * What an in-memory snapshot of configuration reads (src/store/config-snapshot.ts): a version that
 * every configuration write bumps in its own transaction, and everything of a tenant at once.
 */
export interface ConfigSource {
  /** Changes whenever configuration changes, whichever process sharing the store changed it. */
  configVersion (): Promise<number>
  /** Configuration changes committed through this store object: seen without asking the database. */
  localConfigChanges (): number
  allTenants (): Promise<Tenant[]>
  allTenantHosts (): Promise<Array<{ host: string, tenantId: string }>>
  allConnectionNames (): Promise<Array<{ tenantId: string, name: string }>>
  clientsOfTenant (tenantId: string): Promise<Client[]>
  connectionsOfTenant (tenantId: string): Promise<Connection[]>
  resourceServersOfTenant (tenantId: string): Promise<ResourceServer[]>
  clientGrantsOfTenant (tenantId: string): Promise<ClientGrant[]>
  allSigningKeys (tenantId: string): Promise<SigningKey[]>
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

/** Fixed-window request counters shared by every process using the store (rate limits without Redis). */
export interface RequestCounterStore {
  /** Counts one request for `key`, atomically; a window starts at the first request after the last ended. */
  countRequest (key: string, windowMs: number, now: number): Promise<{ count: number, resetAt: number }>
  deleteExpiredRequestCounters (now: number): Promise<void>
}

export type AuthenticatorType = 'otp' | 'oob' | 'recovery-code'

/** One of a user's second factors. */
export interface MfaAuthenticator {
  id: string
  tenantId: string
  userId: string
  type: AuthenticatorType
  oobChannel: 'sms' | null
  phoneNumber: string | null
  /** otp: the encrypted secret; recovery-code: the code's sha256. */
  secret: string | null
  /** Only once its first code was verified. */
  active: boolean
  lastStep: number
  createdAt: number
}

/** A login waiting for its second factor. */
export interface MfaTransaction {
  tokenHash: string
  tenantId: string
  clientId: string
  userId: string
  /** What the password grant would have minted. */
  mint: { scopes: string[], device?: string, audience?: string, refreshWithoutDevice?: boolean }
  expiresAt: number
}

export interface MfaOobCode {
  codeHash: string
  tenantId: string
  userId: string
  authenticatorId: string
  bindingSalt: string
  bindingHash: string
  expiresAt: number
}

/** MFA state: authenticators, pending logins, oob challenges. Times in epoch seconds. */
export interface MfaStore {
  authenticatorsOfUser (tenantId: string, userId: string): Promise<MfaAuthenticator[]>
  insertAuthenticator (authenticator: MfaAuthenticator): Promise<void>
  /** Activates one authenticator, and the user's recovery code with it. */
  activateAuthenticator (tenantId: string, userId: string, id: string): Promise<void>
  /**
   * Records `step` as the last TOTP step accepted, atomically: true only if it is later than the
   * one recorded, so a code is accepted once per step, whatever runs in parallel.
   */
  acceptTotpStep (id: string, step: number): Promise<boolean>
  /**
   * Replaces an authenticator's secret only if it still is `expected`: a recovery code's hash (a
   * code is used once), or a TOTP secret sealed anew under the current key.
   */
  replaceSecret (id: string, expected: string, next: string): Promise<boolean>
  /** Deletes authenticators of a user (all when `ids` is absent); returns how many. */
  deleteAuthenticators (tenantId: string, userId: string, ids?: string[]): Promise<number>
  insertMfaTransaction (transaction: MfaTransaction, now: number): Promise<void>
  mfaTransaction (tokenHash: string): Promise<MfaTransaction | undefined>
  /** Deletes it; true for the one caller that did (a login completes once). */
  consumeMfaTransaction (tokenHash: string): Promise<boolean>
  insertOobCode (code: MfaOobCode): Promise<void>
  oobCode (codeHash: string): Promise<MfaOobCode | undefined>
  consumeOobCode (codeHash: string): Promise<boolean>
}

export type AuditEventType = 'failed_login' | 'block' | 'unblock' | 'throttle' | 'unthrottle'
  | 'mfa_enrolment' | 'mfa_success' | 'mfa_failure' | 'mfa_reset' | 'password_change' | 'email_verified'

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
  /** Writes several events at once. */
  recordEvents (events: AuditEvent[]): Promise<void>
  /** The latest events first. */
  events (query: AuditQuery): Promise<AuditEvent[]>
}

export interface Store extends ProvisioningStore, RefreshTokenStore, LoginSessionStore, PasswordlessCodeStore, OutboxStore, AttackStateStore, AuditLog,
  ReplayStore, SignupStore, WebOriginDirectory, ConfigSource, RequestCounterStore, MfaStore,
  UserSessionStore, UserTicketStore, ConnectionById {
  /** Whether several instances may share this store (PostgreSQL), rather than one process owning it (SQLite). */
  readonly shared: boolean
  transaction<T> (work: (store: ProvisioningStore) => Promise<T>): Promise<T>
  close (): Promise<void>
}
