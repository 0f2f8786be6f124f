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
  /** database: the signup password policy; Tollgate's default when absent (see src/security/password-policy.ts). */
  password_policy?: PasswordPolicy
}

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
  updateUser (user: User): Promise<void>
}

export interface KeyStore {
  /** The keys the tenant publishes, the current one first. */
  signingKeys (tenantId: string): Promise<SigningKey[]>
  insertSigningKey (key: SigningKey): Promise<void>
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

export interface SignupStore {
  /** Inserts the user unless its email or username is taken in its connection; false when taken. */
  insertUserIfAbsent (user: User): Promise<boolean>
}

/** What `tollgate apply` writes, always inside one transaction. */
export interface ProvisioningStore extends TenantDirectory, ClientDirectory, ConnectionDirectory, UserStore, KeyStore, ResourceServerDirectory {
  tenantByName (name: string): Promise<Tenant | undefined>
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

export interface Store extends ProvisioningStore, RefreshTokenStore, SignupStore, WebOriginDirectory {
  transaction<T> (work: (store: ProvisioningStore) => Promise<T>): Promise<T>
  close (): Promise<void>
}
