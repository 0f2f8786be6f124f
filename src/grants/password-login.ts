// The steps every password login shares, whichever endpoint and grant it arrives by: the
// connection's strategy, the decision taken before any password is verified, the verify itself,
// and the client's login policy. Returns undefined for wrong credentials: each grant answers
// that with its own documented error.
import { oauthError } from '../errors.js'
import { checkLoginPolicy } from '../security/login-policy.js'
import type { Client, Connection, User, UserStore } from '../store/port.js'
import type { PasswordStrategies } from '../strategies/index.js'

export interface PasswordLoginDeps {
  users: UserStore
  strategies: PasswordStrategies
}

export async function loginWithPassword ({ users, strategies }: PasswordLoginDeps,
  { client, connection, login, password }: { client: Client, connection: Connection, login: string, password: string }): Promise<User | undefined> {
  const strategy = strategies.forConnection(connection)
  const known = await users.userByLogin(connection.id, login)
  // Decided before any password is verified, so that a refusal never costs a hash.
  if (known?.blocked && !strategy.blockCheckedAfterCredentials) throw oauthError('user_blocked')
  const user = await strategy.verifyPassword({ connection, login, password, user: known })
  if (!user) return undefined
  if (user.blocked) throw oauthError('user_blocked')
  checkLoginPolicy(client, user)
  return user
}
