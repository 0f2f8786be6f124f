// /oauth/ro grant_type=password: Auth0's legacy resource-owner grant; the client names the connection.
// With an sms or email connection, the password is the code /passwordless/start sent.
import type { ConnectionDirectory } from '../store/port.js'
import { resolveConnection } from '../strategies/resolve-connection.js'
import type { MultiFactor } from '../mfa/multi-factor.js'
import { isPasswordless } from '../passwordless/channel.js'
import type { TokenMinter } from '../tokens/minter.js'
import { PasswordGrantBody } from '../../schemas/oauth-ro.js'
import { loginWithSecret, wrongCredentials, type SecretLoginDeps } from './secret-login.js'
import { accountKey, defineGrant } from './types.js'

export interface PasswordGrantDeps extends SecretLoginDeps {
  connections: ConnectionDirectory
  minter: TokenMinter
  multiFactor: Pick<MultiFactor, 'requireLegacyCode'>
}

export const passwordGrant = (deps: PasswordGrantDeps) => defineGrant({
  name: 'password',
  bodySchema: PasswordGrantBody,
  account: ({ body }) => accountKey(body.connection, body.username),
  async handle ({ tenant, issuer, client, scopes, body, ip }) {
    const connection = await resolveConnection(deps.connections, tenant, client, body.connection)
    const user = await loginWithSecret(deps, { tenant, client, connection, login: body.username, secret: body.password, ip })
    if (!user) throw wrongCredentials(connection, 'legacy')
    // A user who must use MFA sends the code with the password (a0.mfa_required until they do).
    if (!isPasswordless(connection)) await deps.multiFactor.requireLegacyCode({ tenant, client, user, code: body.mfa_code })
    return deps.minter.mint({ tenant, issuer, client, user, scopes, device: body.device })
  },
})
