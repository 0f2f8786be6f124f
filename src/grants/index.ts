// The grant types each endpoint serves, keyed by grant_type (the shape of oidc-provider's grants/).
// The same name can mean different bodies on each endpoint: /oauth/ro's password grant names its
// connection, /oauth/token's does not.
import { clientCredentialsGrant, type ClientCredentialsGrantDeps } from './client-credentials.js'
import { idTokenExchangeGrant, type IdTokenExchangeDeps } from './id-token-exchange.js'
import { jwtBearerAssertionGrant, type JwtBearerAssertionDeps } from './jwt-bearer-assertion.js'
import { mfaOobGrant, mfaOtpGrant, mfaRecoveryCodeGrant, type MfaGrantDeps } from './mfa.js'
import { passwordRealmGrant, resourceOwnerPasswordGrant, type PasswordRealmGrantDeps } from './password-realm.js'
import { passwordlessOtpGrant, type PasswordlessOtpGrantDeps } from './passwordless-otp.js'
import { passwordGrant, type PasswordGrantDeps } from './password.js'
import { passwordlessVerifyGrant, type PasswordlessVerifyDeps } from './passwordless-verify.js'
import { refreshTokenGrant, type RefreshTokenGrantDeps } from './refresh-token.js'
import type { Grant } from './types.js'

export type GrantDeps = PasswordGrantDeps & PasswordRealmGrantDeps & PasswordlessOtpGrantDeps & IdTokenExchangeDeps &
  JwtBearerAssertionDeps & RefreshTokenGrantDeps & ClientCredentialsGrantDeps & PasswordlessVerifyDeps & MfaGrantDeps
export type GrantMap = Map<string, Grant<any>>

export interface Grants {
  /** POST /oauth/ro */
  ro: GrantMap
  /** POST /oauth/token */
  token: GrantMap
  /** POST /passwordless/verify: one grant, the passwordless otp grant's legacy form */
  passwordlessVerify: GrantMap
}

const byName = (grants: Grant<any>[]): GrantMap => new Map(grants.map((g) => [g.name, g]))

export function createGrants (deps: GrantDeps): Grants {
  return {
    ro: byName([passwordGrant(deps), idTokenExchangeGrant(deps)]),
    token: byName([
      resourceOwnerPasswordGrant(deps), passwordRealmGrant(deps), passwordlessOtpGrant(deps), jwtBearerAssertionGrant(deps),
      refreshTokenGrant(deps), clientCredentialsGrant(deps), mfaOtpGrant(deps), mfaOobGrant(deps), mfaRecoveryCodeGrant(deps),
    ]),
    passwordlessVerify: byName([passwordlessVerifyGrant(deps)]),
  }
}
