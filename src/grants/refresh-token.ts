// /oauth/token grant_type=refresh_token (RFC 6749 section 6) with rotation: every use consumes the
// token and issues its successor. A consumed token presented again means two parties hold the
// family, so the whole family (every token descended from the same login) is revoked.
import { oauthError } from '../errors.js'
import { sha256Hex } from '../security/secrets.js'
import type { RefreshTokenStore } from '../store/port.js'
import type { TokenMinter } from '../tokens/minter.js'
import { RefreshTokenGrantBody } from '../../schemas/oauth-token.js'
import { defineGrant, parseScopes } from './types.js'

export interface RefreshTokenGrantDeps {
  refreshTokens: RefreshTokenStore
  minter: TokenMinter
  /** Seconds a refresh token may stay unused before it expires. */
  refreshTokenIdleLifetime: number
  /** Told of each reuse detected (metrics). */
  onRefreshReuse?: () => void
}

const refused = (reason: string) => oauthError('invalid_refresh_token', {}, { cause: new Error(reason) })

export const refreshTokenGrant = (deps: RefreshTokenGrantDeps) => defineGrant({
  name: 'refresh_token',
  bodySchema: RefreshTokenGrantBody,
  async handle ({ tenant, issuer, client, body }) {
    const now = Math.floor(Date.now() / 1000)
    // The token's user comes with it (one read); it is looked at only once the token is found good.
    const found = await deps.refreshTokens.refreshTokenWithUser(sha256Hex(body.refresh_token))
    if (!found || found.token.tenantId !== tenant.id) throw refused('unknown refresh token')
    const { token, user } = found
    if (token.clientId !== client.clientId) throw refused('refresh token of another client')
    // A token bound to a device is accepted only with that device; one issued without a device (bound to '') only without.
    if ((body.device ?? '') !== token.device) throw refused('refresh token of another device')
    if (token.revokedAt !== null) throw refused('revoked refresh token')
    if (token.consumedAt !== null) {
      const revoked = await deps.refreshTokens.revokeRefreshTokenFamily(token.familyId, now)
      deps.onRefreshReuse?.()
      throw refused(`refresh token reused: family ${token.familyId} revoked (${revoked} tokens)`)
    }
    if (now >= token.expiresAt) throw refused('refresh token family past its absolute lifetime')
    if (now >= token.createdAt + deps.refreshTokenIdleLifetime) throw refused('refresh token idle for too long')
    if (!user || user.blocked) throw refused('user blocked or deleted')

    // RFC 6749 section 6: a narrower scope may be asked for, never a wider one.
    const granted = parseScopes(token.scope)
    const scopes = body.scope === undefined ? granted : parseScopes(body.scope)
    if (scopes.some((s) => !granted.includes(s))) throw oauthError('refresh_scope_exceeds')
    return deps.minter.refresh({ tenant, issuer, client, user, token, scopes, now })
  },
})
