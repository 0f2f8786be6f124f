// /oauth/ro grant_type=password: Auth0's legacy resource-owner grant; the client names the connection.
// With an sms or email connection, the password is the code /passwordless/start sent.
import type { ConnectionDirectory } from '../store/port.js'
import { resolveConnection } from '../strategies/resolve-connection.js'
import type { TokenMinter } from '../tokens/minter.js'
import { PasswordGrantBody } from '../../schemas/oauth-ro.js'
import { loginWithPassword, wrongCredentials, type PasswordLoginDeps } from './password-login.js'
import { defineGrant } from './types.js'

export interface PasswordGrantDeps extends PasswordLoginDeps {
  connections: ConnectionDirectory
  minter: TokenMinter
}

export const passwordGrant = (deps: PasswordGrantDeps) => defineGrant({
  name: 'password',
  bodySchema: PasswordGrantBody,
  async handle ({ tenant, issuer, client, scopes, body, ip }) {
    const connection = await resolveConnection(deps.connections, tenant, client, body.connection)
    const user = await loginWithPassword(deps, { tenant, client, connection, login: body.username, password: body.password, ip, issuer })
    if (!user) throw wrongCredentials(connection, 'legacy')
    return deps.minter.mint({ tenant, issuer, client, user, scopes, device: body.device })
  },
})
