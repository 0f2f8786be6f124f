// The tables, as Kysely sees them. Types stay portable between SQLite and PostgreSQL:
// flags are integers (0/1), structured values are JSON text, times are bigint epoch seconds, or
// epoch milliseconds in the columns whose name ends in _ms (0012).
import type { Generated, Selectable } from 'kysely'

export interface TenantTable {
  id: string
  name: string
  is_default: number
  /** Configured issuer base URL (with trailing slash), or null to derive it from the request. */
  public_url: string | null
  signing_alg: string
  default_connection: string | null
  created_at: number
  /** JSON object of the tenant's attack-protection overrides (0004). */
  attack_protection: Generated<string>
  /** JSON object of the tenant's email settings (0012). */
  email: Generated<string>
  /** JSON object of the tenant's MFA settings (0007). */
  mfa: Generated<string>
}

export interface TenantHostTable {
  host: string
  tenant_id: string
}

export interface ConnectionTable {
  id: string
  tenant_id: string
  name: string
  strategy: string
  /** JSON array of the client_ids this connection is enabled for. */
  enabled_clients: string
  /** JSON object of strategy options (e.g. login_url for custom-database). */
  options: string
  created_at: number
}

export interface ClientTable {
  client_id: string
  tenant_id: string
  name: string
  type: string
  /** JSON array of grant type names. */
  grant_types: string
  /** JSON array of origins. */
  web_origins: string
  /** sha256 of the client secret, hex; null for public clients. */
  secret_hash: string | null
  /** JSON array of token endpoint authentication methods (none, client_secret_post, ...). */
  auth_methods: string
  require_email_verified: number
  /** JSON array of allowed callback URLs. */
  callbacks: string
  /** JSON of the client's public JWK set ({keys: [...]}), for RFC 7523 assertions; null if none. */
  jwks: string | null
  jwks_uri: string | null
  /** Unused since 0007: acting for users is a permission of a client grant. */
  act_for_users: Generated<number>
  /** Whether auth0-forwarded-for from this (authenticated) client names the end user's IP (0007). */
  token_endpoint_ip_header_trusted: Generated<number>
  /** The client's own MFA policy; null: the tenant's (0007). */
  mfa_policy: string | null
  created_at: number
}

export interface UserTable {
  id: string
  tenant_id: string
  connection_id: string
  email: string | null
  username: string | null
  phone_number: string | null
  email_verified: number
  password_hash: string | null
  blocked: number
  /** JSON object: name, nickname, picture, given_name, family_name... */
  profile: string
  user_metadata: string
  app_metadata: string
  created_at: number
  updated_at: number
  /** Epoch seconds of the last password change (0007). */
  sessions_valid_after?: number | null
  /** Epoch seconds of the last leaked-password email (0007). */
  leaked_notice_at?: number | null
}

export interface UserTicketTable {
  token_hash: string
  tenant_id: string
  user_id: string
  kind: string
  created_at: number
  expires_at: number
}

export interface SigningKeyTable {
  kid: string
  tenant_id: string
  alg: string
  private_pem: string
  /** JSON of the public JWK, as served in the JWKS. */
  public_jwk: string
  status: string
  created_at: number
  /** For a previous key: when the last token it signed expires; null for the current key. */
  retire_after: number | null
  /** Order of creation: each key's is one more than the tenant's highest before it. */
  seq: number
}

export interface UsedJtiTable {
  /** sha256 hex of the assertion's issuer and jti. */
  id: string
  expires_at: number
}

export interface RefreshTokenTable {
  id: string
  token_hash: string
  family_id: string
  tenant_id: string
  client_id: string
  user_id: string
  device: string
  scope: string
  created_at: number
  expires_at: number
  revoked_at: number | null
  /** Set when rotated (0006_sessions). */
  consumed_at: number | null
  /** The API its access tokens are for; null for /userinfo (0006_sessions). */
  audience: string | null
  /** The login session it belongs to (0007); null for tokens issued before sessions existed. */
  session_id: string | null
}

/** One login (0007): what an id_token's sid names. */
export interface LoginSessionTable {
  id: string
  tenant_id: string
  user_id: string
  client_id: string
  /** Part of a hash of the user's password hash at login: a password change ends the session. */
  password_fingerprint: string
  created_at: number
  /** The absolute end: nothing issued for this session outlives it. */
  expires_at: number
  ended_at: number | null
}

export interface ResourceServerTable {
  id: string
  tenant_id: string
  identifier: string
  name: string
  /** JSON array of scope names. */
  scopes: string
  token_lifetime: number
  allow_offline_access: number
  created_at: number
}

export interface ClientGrantTable {
  id: string
  tenant_id: string
  client_id: string
  audience: string
  /** JSON array of scope names. */
  scopes: string
  /** Whether the client's assertions may name a user as sub for this API (0007). */
  act_for_users: Generated<number>
  created_at: number
}

export interface PasswordlessCodeTable {
  id: string
  tenant_id: string
  connection_id: string
  login: string
  /** hex sha256 of salt + code; the code itself is never stored. */
  code_salt: string
  code_hash: string
  attempts: number
  created_at: number
  expires_at: number
}

export interface OutboxTable {
  id: string
  tenant_id: string
  connection: string
  channel: string
  recipient: string
  subject: string | null
  text: string
  /** Milliseconds, so that messages sort in the order they were written. */
  created_at_ms: number
}

/** A failed-login counter (0004). */
export interface LoginAttemptTable {
  tenant_id: string
  subject: string
  /** The IP it counts, or '*' for every IP. */
  ip: string
  count: number
  /** Part of a hash of the account's password hash: a password change starts the count over. */
  fingerprint: string
  expires_at_ms: number
}

/** An IP's failed-login allowance as a GCRA bucket (0004): full when `tat` is in the past. */
export interface IpThrottleTable {
  tenant_id: string
  ip: string
  /** Theoretical arrival time. */
  tat_ms: number
  /** Whether the last take was allowed (read back in the same statement). */
  last_allowed: number
}

export interface AuditEventTable {
  id: string
  type: string
  tenant_id: string
  client_id: string | null
  connection: string | null
  user_id: string | null
  login: string | null
  ip: string | null
  detail: string | null
  /** Milliseconds: events need their order within a second. */
  created_at_ms: number
}

/** A fixed-window request counter (0011, 0013), for instances that share no Redis. */
export interface RequestCounterTable {
  key: string
  count: number
  /** When the window ends and the count starts over. */
  reset_at_ms: number
}

export interface ConfigVersionTable {
  id: number
  version: number
}

/** A fixed-window request counter (key: limiter and client), epoch milliseconds. */
/** A user's second factor (0007). */
export interface MfaAuthenticatorTable {
  id: string
  tenant_id: string
  user_id: string
  /** otp, oob or recovery-code. */
  type: string
  oob_channel: string | null
  phone_number: string | null
  /** otp: the encrypted TOTP secret; recovery-code: the code's sha256. */
  secret: string | null
  active: number
  /** The last TOTP time step accepted. */
  last_step: number
  created_at: number
}

/** A login waiting for its second factor (0007); the mfa_token is stored by hash only. */
export interface MfaTransactionTable {
  token_hash: string
  tenant_id: string
  client_id: string
  user_id: string
  /** JSON: what the password grant would have minted (scopes, audience, device). */
  mint: string
  expires_at: number
}

/** An oob challenge (0007): the oob_code by hash, the code sent to the user by salted hash. */
export interface MfaOobCodeTable {
  code_hash: string
  tenant_id: string
  user_id: string
  authenticator_id: string
  binding_salt: string
  binding_hash: string
  expires_at: number
}

export interface Database {
  tenants: TenantTable
  tenant_hosts: TenantHostTable
  connections: ConnectionTable
  clients: ClientTable
  users: UserTable
  signing_keys: SigningKeyTable
  refresh_tokens: RefreshTokenTable
  passwordless_codes: PasswordlessCodeTable
  passwordless_outbox: OutboxTable
  user_tickets: UserTicketTable
  login_attempts: LoginAttemptTable
  ip_throttle: IpThrottleTable
  audit_events: AuditEventTable
  used_jtis: UsedJtiTable
  resource_servers: ResourceServerTable
  client_grants: ClientGrantTable
  login_sessions: LoginSessionTable
  config_version: ConfigVersionTable
  request_counters: RequestCounterTable
  mfa_authenticators: MfaAuthenticatorTable
  mfa_transactions: MfaTransactionTable
  mfa_oob_codes: MfaOobCodeTable
}

export type TenantRow = Selectable<TenantTable>
export type ConnectionRow = Selectable<ConnectionTable>
export type ClientRow = Selectable<ClientTable>
export type UserRow = Selectable<UserTable>
export type SigningKeyRow = Selectable<SigningKeyTable>
// Generated is kept importable for adapters that add serial columns.
export type { Generated }
