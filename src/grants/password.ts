// grant_type=password: a user's username (or email) and password, checked by the connection's strategy.
import { oauthError } from '../errors.js'
import type { AttackProtection } from '../security/attack-protection.js'
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
  protection: AttackProtection
}

export const passwordGrant = ({ connections, users, strategies, minter, protection }: PasswordGrantDeps) => defineGrant({
  name: 'password',
  bodySchema: PasswordGrantBody,
  async handle ({ tenant, issuer, client, scopes, body, ip }) {
    const connection = await resolveConnection(connections, tenant, client, body.connection)
    const strategy = strategies.forConnection(connection)
    const known = await users.userByLogin(connection.id, body.username)
    // Blocked users, throttled IPs, blocked accounts and breached passwords are refused here, before
    // any password is verified, so that a refusal never costs a hash.
    const attempt = await protection.beforeVerify({ tenant, client, connection, login: body.username, user: known, password: body.password, ip })
    let user
    try {
      user = await strategy.verifyPassword({ connection, login: body.username, password: body.password, user: known })
    } catch (err) {
      await protection.abandon(attempt)
      throw err
    }
    if (!user) {
      await protection.afterFailure(attempt)
      throw oauthError('invalid_user_password')
    }
    await protection.afterSuccess(attempt)
    checkLoginPolicy(client, user)
    return minter.mint({ tenant, issuer, client, user, scopes, device: body.device })
  },
})
