// grant_type=password: a user's username (or email) and password, checked by the connection's strategy.
import { oauthError } from '../errors.js'
import { checkLoginPolicy } from '../security/login-policy.js'
import type { ConnectionDirectory, UserStore } from '../store/port.js'
import type { PasswordStrategies } from '../strategies/index.js'
import { resolveConnection } from '../strategies/resolve-connection.js'
import type { TokenMinter } from '../tokens/minter.js'
import { PasswordGrantBody } from '../../schemas/oauth-ro.js'
import { defineGrant } from './types.js'

export interface PasswordGrantDeps {
  connections: ConnectionDirectory
  users: UserStore
  strategies: PasswordStrategies
  minter: TokenMinter
}

export const passwordGrant = ({ connections, users, strategies, minter }: PasswordGrantDeps) => defineGrant({
  name: 'password',
  bodySchema: PasswordGrantBody,
  async handle ({ tenant, issuer, client, scopes, body }) {
    const connection = await resolveConnection(connections, tenant, client, body.connection)
    const strategy = strategies.forConnection(connection)
    const known = await users.userByLogin(connection.id, body.username)
    // Decided before any password is verified, so that a refusal never costs a hash.
    if (known?.blocked) throw oauthError('user_blocked')
    const user = await strategy.verifyPassword({ connection, login: body.username, password: body.password, user: known })
    if (!user) throw oauthError('invalid_user_password')
    if (user.blocked) throw oauthError('user_blocked')
    checkLoginPolicy(client, user)
    return minter.mint({ tenant, issuer, client, user, scopes, device: body.device })
  },
})
