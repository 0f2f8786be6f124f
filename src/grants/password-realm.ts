// /oauth/token grant_type=password (RFC 6749 section 4.3) and Auth0's password-realm extension, where
// `realm` names the connection. Without a realm, the tenant's default connection is used.
import { oauthError } from '../errors.js'
import type { ConnectionDirectory } from '../store/port.js'
import { resolveConnection } from '../strategies/resolve-connection.js'
import type { MultiFactor } from '../mfa/multi-factor.js'
import { isPasswordless } from '../passwordless/channel.js'
import type { TokenMinter } from '../tokens/minter.js'
import { PasswordRealmGrantBody } from '../../schemas/oauth-token.js'
import { loginWithSecret, wrongCredentials, type SecretLoginDeps } from './secret-login.js'
import { accountKey, defineGrant } from './types.js'

export interface PasswordRealmGrantDeps extends SecretLoginDeps {
  connections: ConnectionDirectory
  minter: TokenMinter
  multiFactor: Pick<MultiFactor, 'requireAfterPassword'>
}

const passwordTokenGrant = (name: string) => (deps: PasswordRealmGrantDeps) => defineGrant({
  name,
  bodySchema: PasswordRealmGrantBody,
  // The connection this grant logs in to: the realm, else the tenant's default (never `connection`).
  account: ({ tenant, body }) => accountKey(body.realm ?? tenant.defaultConnection ?? '', body.username),
  async handle ({ tenant, issuer, client, scopes, body, ip }) {
    const connectionName = body.realm ?? tenant.defaultConnection
    if (!connectionName) throw oauthError('no_default_connection')
    const connection = await resolveConnection(deps.connections, tenant, client, connectionName)
    // An unknown API or scope is refused before any password is verified.
    if (body.audience !== undefined) await deps.minter.resolveAudience({ tenant, issuer, audience: body.audience, scopes })
    const user = await loginWithSecret(deps, { tenant, client, connection, login: body.username, secret: body.password, ip })
    if (!user) throw wrongCredentials(connection, 'token')
    const mint = { scopes, device: body.device, audience: body.audience, refreshWithoutDevice: true }
    // A right password for a user who must show a second factor: 403 mfa_required with an mfa_token.
    if (!isPasswordless(connection)) await deps.multiFactor.requireAfterPassword({ tenant, client, user, mint })
    return deps.minter.mint({ tenant, issuer, client, user, ...mint })
  },
})

export const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm'
export const resourceOwnerPasswordGrant = passwordTokenGrant('password')
export const passwordRealmGrant = passwordTokenGrant(PASSWORD_REALM)
