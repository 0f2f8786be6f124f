// Signup on a database connection (POST /dbconnections/signup): every check that can refuse is made
// before the one password hash, and the insert itself decides a race between two equal signups.
import { randomBytes } from 'node:crypto'
import { oauthError } from '../errors.js'
import { DEFAULT_PASSWORD_POLICY, describePolicy, satisfiesPolicy } from '../security/password-policy.js'
import type { PasswordHasher } from '../security/password-hasher.js'
import type { Client, ConnectionDirectory, JsonObject, SignupStore, Tenant, User, UserStore } from '../store/port.js'
import { isEmailAddress } from '../email-address.js'
import { resolveConnection } from '../strategies/resolve-connection.js'

export interface SignupRequest {
  tenant: Tenant
  client: Client
  connection: string
  email: string
  password: string
  username?: string
  userMetadata?: JsonObject
  profile: JsonObject
}

export interface SignupDeps {
  connections: ConnectionDirectory
  users: UserStore & SignupStore
  hasher: PasswordHasher
}

const USERNAME = /^[^@\s]{1,128}$/
/** Auth0's limits on signup metadata: at most 10 properties, string values of at most 500 characters. */
function checkMetadata (metadata: JsonObject): void {
  const dotted = Object.keys(metadata).find((k) => k.includes('.'))
  if (dotted !== undefined) throw oauthError('dotted_fields', { field: `user_metadata.${dotted}` })
  const entries = Object.entries(metadata)
  if (entries.length > 10 || entries.some(([k, v]) => k.length > 100 || typeof v !== 'string' || v.length > 500)) {
    throw oauthError('invalid_user_metadata')
  }
}

export async function signup (deps: SignupDeps, request: SignupRequest): Promise<User> {
  const { tenant, client, email, password, username, userMetadata = {} } = request
  const connection = await resolveConnection(deps.connections, tenant, client, request.connection)
  if (connection.strategy !== 'database') throw oauthError('strategy_not_supported')
  if (!isEmailAddress(email)) throw oauthError('invalid_email')
  if (username !== undefined && (username.length > 128 || !USERNAME.test(username))) throw oauthError('invalid_username')
  checkMetadata(userMetadata)
  const policy = connection.options.password_policy ?? DEFAULT_PASSWORD_POLICY
  if (!satisfiesPolicy(policy, password)) throw oauthError('invalid_password', { rules: describePolicy(policy) })
  // Checked before hashing so that an existing user costs no hash; the insert re-checks atomically.
  const taken = await deps.users.userByLogin(connection.id, email) ??
    (username === undefined ? undefined : await deps.users.userByLogin(connection.id, username))
  if (taken) throw oauthError('user_exists')

  const now = Math.floor(Date.now() / 1000)
  const user: User = {
    id: `auth0|${randomBytes(12).toString('hex')}`,
    tenantId: tenant.id,
    connectionId: connection.id,
    email: email.toLowerCase(),
    username: username ?? null,
    phoneNumber: null,
    emailVerified: false,
    passwordHash: await deps.hasher.hash(password),
    blocked: false,
    profile: request.profile,
    userMetadata,
    appMetadata: {},
    createdAt: now,
    updatedAt: now,
  }
  if (!await deps.users.insertUserIfAbsent(user)) throw oauthError('user_exists')
  return user
}
