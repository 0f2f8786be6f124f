// The MFA grants on /oauth/token (Auth0's MFA API): each finishes a login whose password was right
// and which got an mfa_token, with a second factor; success mints what the password grant would have.
//   http://auth0.com/oauth/grant-type/mfa-otp            mfa_token, otp (a TOTP code)
//   http://auth0.com/oauth/grant-type/mfa-oob            mfa_token, oob_code, binding_code (an SMS code)
//   http://auth0.com/oauth/grant-type/mfa-recovery-code  mfa_token, recovery_code (answered with a new one)
import { oauthError } from '../errors.js'
import type { MultiFactor, PendingLogin } from '../mfa/multi-factor.js'
import type { Client, Tenant } from '../store/port.js'
import type { TokenMinter, TokenResponse } from '../tokens/minter.js'
import { MfaOobGrantBody, MfaOtpGrantBody, MfaRecoveryCodeGrantBody } from '../../schemas/mfa.js'
import { defineGrant } from './types.js'

export const MFA_OTP = 'http://auth0.com/oauth/grant-type/mfa-otp' as const
export const MFA_OOB = 'http://auth0.com/oauth/grant-type/mfa-oob' as const
export const MFA_RECOVERY_CODE = 'http://auth0.com/oauth/grant-type/mfa-recovery-code' as const

export interface MfaGrantDeps {
  multiFactor: MultiFactor
  minter: TokenMinter
}

/** Mints the pending login's tokens once its mfa_token is spent (a login completes once). */
async function completeLogin (deps: MfaGrantDeps, login: PendingLogin, request: { tenant: Tenant, issuer: string, client: Client }): Promise<TokenResponse> {
  if (!await deps.multiFactor.finish(login)) throw oauthError('mfa_token_invalid')
  const { scopes, device, audience, refreshWithoutDevice } = login.transaction.mint
  return deps.minter.mint({ ...request, user: login.user, scopes, device, audience, refreshWithoutDevice })
}

export const mfaOtpGrant = (deps: MfaGrantDeps) => defineGrant({
  name: MFA_OTP,
  bodySchema: MfaOtpGrantBody,
  async handle ({ tenant, issuer, client, body }) {
    const login = await deps.multiFactor.pendingLogin(tenant, body.mfa_token, { client })
    await deps.multiFactor.verifyOtp(tenant, login, body.otp)
    return completeLogin(deps, login, { tenant, issuer, client })
  },
})

export const mfaOobGrant = (deps: MfaGrantDeps) => defineGrant({
  name: MFA_OOB,
  bodySchema: MfaOobGrantBody,
  async handle ({ tenant, issuer, client, body }) {
    const login = await deps.multiFactor.pendingLogin(tenant, body.mfa_token, { client })
    await deps.multiFactor.verifyOob(tenant, login, body.oob_code, body.binding_code)
    return completeLogin(deps, login, { tenant, issuer, client })
  },
})

export const mfaRecoveryCodeGrant = (deps: MfaGrantDeps) => defineGrant({
  name: MFA_RECOVERY_CODE,
  bodySchema: MfaRecoveryCodeGrantBody,
  async handle ({ tenant, issuer, client, body }) {
    const login = await deps.multiFactor.pendingLogin(tenant, body.mfa_token, { client })
    const recoveryCode = await deps.multiFactor.verifyRecoveryCode(tenant, login, body.recovery_code)
    return { ...await completeLogin(deps, login, { tenant, issuer, client }), recovery_code: recoveryCode }
  },
})
