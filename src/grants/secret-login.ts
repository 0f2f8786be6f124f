// The steps every login with a secret shares, whichever endpoint and grant it arrives by (a password,
// or a passwordless code): the connection's strategy, attack protection's decision before any secret
// is verified, the verify itself and its bookkeeping, and the client's login policy. Returns
// undefined for wrong credentials: each grant answers that with its own documented error
// (`wrongCredentials`).
import { oauthError, type OAuthError } from '../errors.js'
import { channelOf, isPasswordless, loginLabel } from '../passwordless/channel.js'
import type { AttackProtection } from '../security/attack-protection.js'
import { checkLoginPolicy } from '../security/login-policy.js'
import type { Client, Connection, Tenant, User, UserStore } from '../store/port.js'
import type { SecretStrategies } from '../strategies/index.js'

export interface SecretLoginDeps {
  users: UserStore
  strategies: SecretStrategies
  protection: AttackProtection
}

export interface SecretLoginRequest {
  tenant: Tenant
  client: Client
  connection: Connection
  login: string
  /** The password, or the one-time code of a passwordless connection. */
  secret: string
  /** The end user's IP (request.clientIp). */
  ip: string
}

export async function loginWithSecret ({ users, strategies, protection }: SecretLoginDeps,
  { tenant, client, connection, login, secret, ip }: SecretLoginRequest): Promise<User | undefined> {
  const strategy = strategies.forConnection(connection)
  const known = await users.userByLogin(connection.id, login)
  const isCode = strategy.secret === 'code'
  // Throttled IPs, blocked accounts and breached passwords are refused here, before any secret is
  // verified, so that a refusal never costs a hash. A blocked user is told so only after a right
  // secret: answering before would tell anyone which accounts exist and are blocked.
  const attempt = await protection.beforeVerify({
    tenant, client, connection, login, user: known, ip, password: isCode ? undefined : secret,
  })
  let user: User | undefined
  try {
    user = await strategy.verifySecret({ connection, login, secret, user: known })
  } catch (err) {
    await protection.abandon(attempt)
    throw err
  }
  if (!user) {
    await protection.afterFailure(attempt)
    return undefined
  }
  if (user.blocked) await protection.refuseBlockedUser(attempt)
  await protection.afterSuccess(attempt)
  checkLoginPolicy(client, user)
  return user
}

/**
 * Wrong credentials, as each kind of endpoint documents them: the legacy endpoints (/oauth/ro,
 * /passwordless/verify) answer 401, /oauth/token 403 invalid_grant; a code's description names the
 * phone number or email.
 */
export function wrongCredentials (connection: Connection, endpoint: 'legacy' | 'token'): OAuthError {
  if (isPasswordless(connection)) {
    const login = loginLabel(channelOf(connection))
    return oauthError(endpoint === 'legacy' ? 'wrong_verification_code' : 'wrong_verification_code_grant', { login })
  }
  return oauthError(endpoint === 'legacy' ? 'invalid_user_password' : 'wrong_credentials_grant')
}
