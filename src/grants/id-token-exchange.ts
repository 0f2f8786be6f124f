// /oauth/ro grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer: Auth0's id_token exchange. A
// mobile app trades an id_token this tenant issued to it (and that has not expired) for fresh
// tokens, bound to its device. The exchange continues the login the id_token came from: its `sid`
// must name a session that is still live (not ended by a revoke, a password change or a block, and
// before its absolute end, which the new tokens do not outlive). The user must still exist and not
// be blocked, and the client's login policy still applies. The answer is the password grant's.
import { JWT_BEARER } from '../clients/assertions.js'
import { oauthError } from '../errors.js'
import { checkLoginPolicy } from '../security/login-policy.js'
import type { LoginSessions } from '../sessions/login-sessions.js'
import type { UserStore } from '../store/port.js'
import type { IdTokenVerifier } from '../tokens/id-token-verifier.js'
import type { TokenMinter } from '../tokens/minter.js'
import { JwtRejected } from '../tokens/verify-jwt.js'
import { JwtBearerGrantBody } from '../../schemas/oauth-ro.js'
import { defineGrant } from './types.js'

export interface IdTokenExchangeDeps {
  users: UserStore
  idTokens: IdTokenVerifier
  minter: TokenMinter
  sessions: LoginSessions
}

export const idTokenExchangeGrant = (deps: IdTokenExchangeDeps) => defineGrant({
  name: JWT_BEARER,
  bodySchema: JwtBearerGrantBody,
  async handle ({ tenant, issuer, client, scopes, body }) {
    if (body.device.trim() === '') throw oauthError('missing_parameter', { name: 'device' })
    let sub: string
    let sid: unknown
    try {
      // Issued by this tenant to this very client: an id_token of another app is no key to this one.
      ({ sub, claims: { sid } } = await deps.idTokens.verify(body.id_token, { tenant, issuer, audience: client.clientId }))
      if (typeof sid !== 'string' || sid === '') throw new JwtRejected('the id_token names no session (sid)')
    } catch (err) {
      if (err instanceof JwtRejected) throw oauthError('invalid_id_token', {}, { cause: err })
      throw err
    }
    const user = await deps.users.userById(tenant.id, sub)
    if (!user || user.blocked) throw oauthError('jwt_bearer_user_refused', {}, { cause: new Error(user ? 'user is blocked' : 'user not found') })
    checkLoginPolicy(client, user)
    const session = await deps.sessions.live({ tenant, client, user, sid: sid as string })
    if (!session) throw oauthError('invalid_id_token', {}, { cause: new Error('the id_token\'s session has ended') })
    return deps.minter.mint({ tenant, issuer, client, user, scopes, device: body.device, session })
  },
})
