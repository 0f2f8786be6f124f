// /oauth/token grant_type=password (RFC 6749 section 4.3) and Auth0's password-realm extension, where
// `realm` names the connection. Without a realm, the tenant's default connection is used.
import { oauthError } from '../errors.js'
import type { ConnectionDirectory } from '../store/port.js'
import { resolveConnection } from '../strategies/resolve-connection.js'
import type { TokenMinter } from '../tokens/minter.js'
import { PasswordRealmGrantBody } from '../../schemas/oauth-token.js'
import { loginWithPassword, wrongCredentials, type PasswordLoginDeps } from './password-login.js'
import { defineGrant } from './types.js'

export interface PasswordRealmGrantDeps extends PasswordLoginDeps {
  connections: ConnectionDirectory
  minter: TokenMinter
}

const passwordTokenGrant = (name: string) => (deps: PasswordRealmGrantDeps) => defineGrant({
  name,
  bodySchema: PasswordRealmGrantBody,
  async handle ({ tenant, issuer, client, scopes, body, ip }) {
    const connectionName = body.realm ?? tenant.defaultConnection
    if (!connectionName) throw oauthError('no_default_connection')
    const connection = await resolveConnection(deps.connections, tenant, client, connectionName)
    // An unknown API or scope is refused before any password is verified.
    if (body.audience !== undefined) await deps.minter.resolveAudience({ tenant, issuer, audience: body.audience, scopes })
    const user = await loginWithPassword(deps, { tenant, client, connection, login: body.username, password: body.password, ip, issuer })
    if (!user) throw wrongCredentials(connection, 'token')
    return deps.minter.mint({ tenant, issuer, client, user, scopes, device: body.device, audience: body.audience, refreshWithoutDevice: true })
  },
})

export const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm'
export const resourceOwnerPasswordGrant = passwordTokenGrant('password')
export const passwordRealmGrant = passwordTokenGrant(PASSWORD_REALM)
